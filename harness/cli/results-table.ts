import type { StageStats, Summary } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';
import { alignColumns, concurrencyText } from './table.ts';

/** Each target's stages as read back from its stages.json, or why they could not be read. */
export type StagesByTarget = Map<string, StageStats[] | Error>;

/** The end-of-run table: one block per target, one row per stage, then its verdict. */
export function formatResults(summary: Summary, stagesByTarget: StagesByTarget, unit: 'users' | 'req/s', external: ReadonlySet<string> = new Set()): string {
  const blocks = summary.targets.map((t) => {
    const concurrency = concurrencyText(t.concurrency, external.has(t.name));
    const read = stagesByTarget.get(t.name) ?? [];
    if (read instanceof Error) return `${t.name} — concurrency ${concurrency}\n  (${read.message})\n  → ${t.verdict}`;
    const stages = read;
    const head = ['stage', unit === 'users' ? 'users' : 'rate', 'req/s', 'p50', 'p95', 'p99', 'errors'];
    const rows = stages.map((s) => [String(s.index + 1), String(s.users), s.rps.toFixed(1), formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), s.errorsTotal ? `${s.errorsTotal} (${s.errorPct}%)` : '0']);
    const table = rows.length ? alignColumns([head, ...rows]).replace(/^/gm, '  ') : '  (no measurements)';
    return `${t.name} — concurrency ${concurrency}\n${table}\n  → ${t.verdict}`;
  });
  return blocks.join('\n\n');
}
