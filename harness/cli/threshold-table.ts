import type { ThresholdOutcome } from '../results/format.ts';

/** Exit code of a run in which a threshold failed (compare's --fail-on uses the same). */
export const EXIT_THRESHOLD = 3;

const STATUS = { pass: 'pass', fail: 'FAIL', skipped: 'skip' } as const;

/** The thresholds block after the results table: a headline, then one line per target × threshold. */
export function formatThresholds(outcomes: readonly ThresholdOutcome[]): string {
  const failed = outcomes.filter((o) => o.status === 'fail').length;
  const judged = outcomes.filter((o) => o.status !== 'skipped').length;
  const head = failed ? `thresholds: ${failed} of ${judged} FAILED` : `thresholds: all ${judged} passed`;
  const rows = outcomes.map((o) => [STATUS[o.status], o.target, o.expression, o.message]);
  // Left-align every column: the expressions and messages are text, not numbers.
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => `  ${r.slice(0, 3).map((x, c) => x.padEnd(widths[c]!)).join('  ')}  ${r[3]}`);
  return [head, ...lines].join('\n');
}

