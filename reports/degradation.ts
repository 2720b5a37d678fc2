import type { StageStats, SummaryTarget } from '../harness/results/format.ts';
import { verdict } from '../harness/analysis/verdict.ts';

export interface Degradation {
  baseline: StageStats | null;
  /** First degraded stage, or null if every stage held. */
  from: StageStats | null;
  /** Stage with the highest p95 (the worst seen). */
  worst: StageStats | null;
}

/**
 * Where a target began to degrade: summary.json's `degradedFrom`, which the harness's verdict
 * (harness/verdict.ts, the one place the rule lives) wrote. Older run folders without it are
 * judged again by that same function.
 */
export function degradation(stages: readonly StageStats[], summary?: SummaryTarget | null): Degradation {
  const loaded = stages.filter((s) => s.users > 0 || s.requests > 0);
  const baseline = loaded.find((s) => s.p95 !== null) ?? null;
  const fromIndex = summary && summary.degradedFrom !== undefined ? summary.degradedFrom : verdict(stages).degradedFrom;
  const from = fromIndex === null ? null : (stages.find((s) => s.index === fromIndex) ?? null);
  let worst: StageStats | null = null;
  for (const s of loaded) if (s.p95 !== null && (worst?.p95 ?? -1) < s.p95) worst = s;
  return { baseline, from, worst };
}
