import { createHash } from 'node:crypto';
import { countedRuns } from '../analysis/spread.ts';
import type { SideTarget } from '../analysis/compare.ts';
import { COMPARE_METRICS, type CompareMetric, type EnvDifference, type RunManifest, type StageStats } from './format.ts';
import { ReportInputError } from './errors.ts';
import { loadRun } from './load.ts';
import type { RunData, TargetRun } from './run-data.ts';

const METRIC_OF: Record<CompareMetric, (s: StageStats) => number | null> = {
  p50: (s) => s.p50, p95: (s) => s.p95, p99: (s) => s.p99, rps: (s) => s.rps, errors: (s) => s.errorPct,
};

/** Per stage, each run's value of every metric (only runs that measured the stage, nulls left out). */
function sideTarget(name: string, runs: readonly TargetRun[]): SideTarget {
  const counted = countedRuns(runs.map((r) => ({ repeat: r.repeat ?? 1, dir: r.entry.dir, state: r.entry.state, stages: r.stages })));
  const stageCount = Math.max(0, ...counted.map((r) => r.stages.length));
  const stages = Array.from({ length: stageCount }, (_, i) => {
    const at = counted.map((r) => r.stages[i]).filter((s): s is StageStats => s !== undefined);
    const values = Object.fromEntries(COMPARE_METRICS.map((m) => [m, at.map(METRIC_OF[m]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))])) as Record<CompareMetric, number[]>;
    return { index: at[0]?.index ?? i, load: at[0]?.users ?? 0, values };
  });
  return { name, repeats: counted.length, stages };
}

/** Each target's runs in a run folder: with --repeat, its repeats; else its one run. Skipped targets are left out. */
export function targetRuns(data: RunData): Map<string, TargetRun[]> {
  const grouped = new Set(data.groups.map((g) => g.name));
  const singles = data.targets.filter((t) => t.repeat === null && !grouped.has(t.base) && t.entry.state !== 'skipped');
  return new Map<string, TargetRun[]>([...data.groups.map((g): [string, TargetRun[]] => [g.name, g.runs]), ...singles.map((t): [string, TargetRun[]] => [t.entry.name, [t]])]);
}

/** The runs of a target that count (countedRuns: finished ones, or all that measured when none finished). */
export function countedTargetRuns(runs: readonly TargetRun[]): TargetRun[] {
  const counted = new Set(countedRuns(runs.map((r, i) => ({ repeat: i, dir: r.entry.dir, state: r.entry.state, stages: r.stages }))).map((r) => r.repeat));
  return runs.filter((_, i) => counted.has(i));
}

/** One run's measurements for the comparison: with --repeat, a target's counted repeats; else its one run. */
export function compareSide(data: RunData): SideTarget[] {
  return [...targetRuns(data)].map(([name, runs]) => sideTarget(name, runs));
}

/** A profile run folder, read through the report's reader; capacity / knee runs have no stages to compare. */
export async function loadForCompare(dir: string): Promise<RunData> {
  const data = await loadRun(dir);
  if (data.kind !== 'profile') throw new ReportInputError('E_NOT_RUN_DIR', `${dir} is a ${data.profile.name} run, not a profile run: nothing to compare stage by stage`);
  return data;
}

/** JSON with sorted keys, so the same profile hashes the same whatever order it was written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * The profile without what does not change the load: its `thresholds` (pass / fail rules judged
 * afterwards, docs/thresholds.md). Tightening a threshold between two runs compares them as usual.
 */
function loadShape(profile: unknown): unknown {
  if (!profile || typeof profile !== 'object' || Array.isArray(profile)) return profile;
  const { thresholds: _judgedAfter, ...rest } = profile as Record<string, unknown>;
  return rest;
}

/** First 12 hex digits of the SHA-256 of the manifest's profile (canonical JSON), thresholds left out. */
export const profileHash = (profile: unknown): string => createHash('sha256').update(canonical(loadShape(profile))).digest('hex').slice(0, 12);

/** Manifest fields that make two runs' numbers not directly comparable when they differ. */
export function envDifferences(a: RunManifest, b: RunManifest): EnvDifference[] {
  const fields: [string, (m: RunManifest) => unknown][] = [
    ['commit', (m) => m.gitCommit], ['node', (m) => m.node], ['cpuModel', (m) => m.cpuModel], ['cores', (m) => m.cores],
    ['work', (m) => m.workModel?.name ?? m.work], ['seed', (m) => m.seed], ['profileHash', (m) => profileHash(m.profile)],
    ['connection', (m) => m.connection ?? 'keep-alive'],
    // Two runs of one target by two engines (lab, then --driver locust): a cross-check, named as such.
    ['driver', (m) => m.driver ?? 'lab'],
  ];
  return fields.flatMap(([field, get]) => {
    const x = String(get(a) ?? 'unknown'), y = String(get(b) ?? 'unknown');
    return x === y ? [] : [{ field, base: x, new: y }];
  });
}
