import { ERROR_KINDS, RESULTS_SCHEMA_VERSION, type SpreadFile, type SpreadStage, type SpreadStats, type SpreadTarget, type StageSpread, type StageStats, type TargetState } from '../results/format.ts';

/** Median of a sorted copy; the mean of the middle two when the count is even. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: expected at least one value, got none');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** min / median / max of the values that exist; null when no repeat measured the metric. */
export function spreadOf(values: readonly (number | null)[]): SpreadStats | null {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return null;
  return { min: Math.min(...v), median: round2(median(v)), max: Math.max(...v) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** One repeat of one target, as the spread needs it. */
export interface RepeatRun {
  repeat: number;
  dir: string;
  state: TargetState;
  stages: StageStats[];
}

/**
 * Runs that count: a repeat that failed or was cut short measured a different thing (a dying
 * server, half a stage), so it would drag the spread; it only counts when no run finished.
 */
export function countedRuns(runs: readonly RepeatRun[]): RepeatRun[] {
  const ok = runs.filter((r) => r.state === 'ok');
  return ok.length > 0 ? ok : runs.filter((r) => r.stages.length > 0);
}

/** Per stage: every counted repeat's p50, p95 and req/s, and their min / median / max. */
export function stageSpreads(runs: readonly RepeatRun[]): SpreadStage[] {
  const counted = countedRuns(runs);
  const stageCount = Math.max(0, ...counted.map((r) => r.stages.length));
  return Array.from({ length: stageCount }, (_, i) => {
    const at = counted.map((r) => r.stages[i] ?? null);
    const values = {
      p50: at.map((s) => s?.p50 ?? null),
      p95: at.map((s) => s?.p95 ?? null),
      rps: at.map((s) => s?.rps ?? null),
    };
    const first = at.find((s) => s !== null)!;
    return {
      index: first.index,
      users: first.users,
      n: at.filter((s) => s !== null).length,
      p50: spreadOf(values.p50),
      p95: spreadOf(values.p95),
      rps: spreadOf(values.rps),
      repeats: counted.map((r) => r.repeat),
      values,
    };
  });
}

/** The spread without the per-repeat values: what summary.json carries on each stage. */
export const compactSpread = (s: SpreadStage): StageSpread => ({ n: s.n, p50: s.p50, p95: s.p95, rps: s.rps });

/**
 * A target's stages as the summary shows them: each number is the median over the counted
 * repeats, stage by stage (so it equals the spread's median). The verdict is then judged on
 * a typical run rather than on whichever repeat happened to be luckiest or unluckiest.
 */
export function medianStages(runs: readonly RepeatRun[]): StageStats[] {
  const counted = countedRuns(runs);
  const stageCount = Math.max(0, ...counted.map((r) => r.stages.length));
  const med = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? round2(median(v)) : null;
  };
  return Array.from({ length: stageCount }, (_, i) => {
    const at = counted.map((r) => r.stages[i]).filter((s): s is StageStats => s !== undefined);
    const first = at[0]!;
    const pick = (f: (s: StageStats) => number | null) => med(at.map(f));
    const whole = (f: (s: StageStats) => number) => Math.round(median(at.map(f)));
    const errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, whole((s) => s.errors[k])])) as StageStats['errors'];
    return {
      ...first,
      requests: whole((s) => s.requests),
      rps: pick((s) => s.rps) ?? 0,
      errors,
      errorsTotal: whole((s) => s.errorsTotal),
      errorPct: pick((s) => s.errorPct) ?? 0,
      dropped: whole((s) => s.dropped),
      count: whole((s) => s.count),
      mean: pick((s) => s.mean),
      p50: pick((s) => s.p50),
      p90: pick((s) => s.p90),
      p95: pick((s) => s.p95),
      p99: pick((s) => s.p99),
      p999: pick((s) => s.p999),
      max: pick((s) => s.max),
      // Corrected views do not combine by median into a meaningful histogram; see each repeat's files.
      corrected: null,
    };
  });
}

export function spreadTarget(name: string, concurrency: number, runs: readonly RepeatRun[]): SpreadTarget {
  return {
    name,
    concurrency,
    runs: runs.map((r) => ({ repeat: r.repeat, dir: r.dir, state: r.state })),
    stages: stageSpreads(runs),
  };
}

export function spreadFile(runId: string, repeats: number, targets: SpreadTarget[]): SpreadFile {
  return { schemaVersion: RESULTS_SCHEMA_VERSION, runId, repeats, targets };
}

const SPREAD_CSV_HEAD = ['target', 'stage', 'users', 'n', ...(['p50_ms', 'p95_ms', 'rps'] as const).flatMap((m) => ['min', 'median', 'max'].map((s) => `${m}_${s}`))];

/** spread.csv: one row per (target, stage); stage numbered from 1 as in the CLI table. */
export function spreadCsv(file: SpreadFile): string {
  const cells = (s: SpreadStats | null) => (s ? [s.min, s.median, s.max].map(String) : ['', '', '']);
  const lines = file.targets.flatMap((t) => t.stages.map((s) => [t.name, String(s.index + 1), String(s.users), String(s.n), ...cells(s.p50), ...cells(s.p95), ...cells(s.rps)].join(',')));
  return `${[SPREAD_CSV_HEAD.join(','), ...lines].join('\n')}\n`;
}
