import type { DriverInfo, GeneratorLoad, StageStats } from '../results/format.ts';

/** One figure as each engine measured it, and Locust's difference from the built-in driver in %. */
export interface CrossCell { lab: number | null; locust: number | null; diffPct: number | null }

export interface CrossStage { index: number; users: number; rps: CrossCell; p50: CrossCell; p95: CrossCell; p99: CrossCell }

/** The same target driven by both engines (`--driver lab,locust`), stage by stage. */
export interface CrossCheck {
  /** The target as the built-in driver's entry names it; Locust's is `<name>.locust`. */
  name: string;
  locustName: string;
  workers: number;
  stages: CrossStage[];
  /** What one request cost each driver in CPU (ms): the lab process, or all Locust workers together. */
  cpuPerRequestMs: CrossCell;
}

export interface CrossInput { name: string; driver?: DriverInfo; generator?: GeneratorLoad; stages: StageStats[] }

/** (locust − lab) ÷ lab × 100, to 0.1; null when either is missing or lab is 0. */
export function diffPct(lab: number | null | undefined, locust: number | null | undefined): number | null {
  if (lab === null || lab === undefined || locust === null || locust === undefined || lab === 0) return null;
  return Math.round(((locust - lab) / lab) * 1000) / 10;
}

const cell = (lab: number | null | undefined, locust: number | null | undefined): CrossCell => ({ lab: lab ?? null, locust: locust ?? null, diffPct: diffPct(lab, locust) });

/** Pairs every Locust entry with the built-in driver's entry of the same target; none without both. */
export function crossChecks(targets: readonly CrossInput[]): CrossCheck[] {
  const out: CrossCheck[] = [];
  for (const loc of targets) {
    if (loc.driver?.engine !== 'locust') continue;
    const name = loc.name.replace(/\.locust$/, '');
    const lab = targets.find((t) => t.name === name && (t.driver === undefined || t.driver.engine === 'lab'));
    if (!lab) continue;
    out.push({
      name, locustName: loc.name, workers: loc.driver.workers ?? 1,
      stages: lab.stages.map((s) => {
        const l = loc.stages.find((x) => x.index === s.index);
        return { index: s.index, users: s.users, rps: cell(s.rps, l?.rps), p50: cell(s.p50, l?.p50), p95: cell(s.p95, l?.p95), p99: cell(s.p99, l?.p99) };
      }),
      cpuPerRequestMs: cell(lab.generator?.cpuPerRequestMs, loc.generator?.cpuPerRequestMs),
    });
  }
  return out;
}
