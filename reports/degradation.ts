import type { StageStats } from '../harness/results-format.ts';

/**
 * Where a target began to degrade. summary.json says *whether* it degraded; this finds *from
 * which stage*, with the harness's rule (harness/verdict.ts): the first loaded stage with
 * successes is the baseline; a stage is degraded when its p95 is past max(2 × baseline,
 * baseline + 50 ms), it had no successes, or over 1% of its requests failed.
 */
export const MAX_ERROR_PCT = 1;
export const MIN_SLOWDOWN_MS = 50;

export interface Degradation {
  baseline: StageStats | null;
  /** First degraded stage, or null if every stage held. */
  from: StageStats | null;
  /** Stage with the highest p95 (the worst seen). */
  worst: StageStats | null;
}

export function degradation(stages: readonly StageStats[]): Degradation {
  const loaded = stages.filter((s) => s.users > 0 || s.requests > 0);
  const baseline = loaded.find((s) => s.p95 !== null) ?? null;
  const base = baseline?.p95 ?? 0;
  const limit = Math.max(2 * base, base + MIN_SLOWDOWN_MS);
  const from = loaded.find((s) => s.p95 === null || s.p95 > limit || s.errorPct > MAX_ERROR_PCT) ?? null;
  let worst: StageStats | null = null;
  for (const s of loaded) if (s.p95 !== null && (worst?.p95 ?? -1) < s.p95) worst = s;
  return { baseline, from, worst };
}
