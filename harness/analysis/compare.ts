import { COMPARE_METRICS, type CompareCell, type CompareMetric, type CompareStage, type CompareTarget, type CompareVerdict } from '../results/format.ts';
import { mannWhitney, medianDelta } from './compare-stats.ts';

/** One run's measurements of one target, stage by stage: one value per counted repeat. */
export interface SideTarget {
  name: string;
  repeats: number;
  stages: { index: number; load: number; values: Record<CompareMetric, number[]> }[];
}

/** Latencies and errors improve downwards, throughput upwards. */
export const LOWER_IS_BETTER: Record<CompareMetric, boolean> = { p50: true, p95: true, p99: true, rps: false, errors: true };

/** One metric of one target × stage: Δ of the medians and the rank test's verdict at `confidence`. */
export function compareCell(metric: CompareMetric, base: readonly number[], next: readonly number[], confidence: number): CompareCell {
  const d = medianDelta(base, next);
  const cell = { metric, baseValues: [...base], newValues: [...next], base: d.base, new: d.next, deltaAbs: d.abs, deltaPct: d.pct };
  if (base.length < 2 || next.length < 2) return { ...cell, p: null, method: null, minP: null, verdict: 'unknown' };
  const t = mannWhitney(base, next);
  let verdict: CompareVerdict = 'no detectable difference';
  if (t.p < 1 - confidence) {
    // U counts pairs where base > new: above its mean, new tends lower.
    const newLower = t.u > (t.n1 * t.n2) / 2;
    verdict = newLower === LOWER_IS_BETTER[metric] ? 'better' : 'worse';
  }
  return { ...cell, p: t.p, method: t.method, minP: t.minP, verdict };
}

/** Every target × stage present in both runs (stages matched by index), each metric compared. */
export function compareRuns(base: readonly SideTarget[], next: readonly SideTarget[], confidence: number): { targets: CompareTarget[]; onlyInBase: string[]; onlyInNew: string[] } {
  const nextByName = new Map(next.map((t) => [t.name, t]));
  const baseNames = new Set(base.map((t) => t.name));
  const targets = base.filter((t) => nextByName.has(t.name)).map((b): CompareTarget => {
    const n = nextByName.get(b.name)!;
    const stages = b.stages.flatMap((bs): CompareStage[] => {
      const ns = n.stages.find((s) => s.index === bs.index);
      if (!ns) return [];
      const cells = COMPARE_METRICS.map((m) => compareCell(m, bs.values[m], ns.values[m], confidence));
      return [{ index: bs.index, baseLoad: bs.load, newLoad: ns.load, cells }];
    });
    return { name: b.name, baseRepeats: b.repeats, newRepeats: n.repeats, stages };
  });
  return {
    targets,
    onlyInBase: base.filter((t) => !nextByName.has(t.name)).map((t) => t.name),
    onlyInNew: next.filter((t) => !baseNames.has(t.name)).map((t) => t.name),
  };
}
