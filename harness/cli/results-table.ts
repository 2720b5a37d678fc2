import type { StageStats, Summary } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The end-of-run table: one block per target, one row per stage, then its verdict. */
export function formatResults(summary: Summary, stagesByTarget: Map<string, StageStats[]>, unit: 'users' | 'req/s'): string {
  const blocks = summary.targets.map((t) => {
    const stages = stagesByTarget.get(t.name) ?? [];
    const head = ['stage', unit === 'users' ? 'users' : 'rate', 'req/s', 'p50', 'p95', 'p99', 'errors'];
    const rows = stages.map((s) => [String(s.index + 1), String(s.users), s.rps.toFixed(1), formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), s.errorsTotal ? `${s.errorsTotal} (${s.errorPct}%)` : '0']);
    const table = rows.length ? pad([head, ...rows]).replace(/^/gm, '  ') : '  (no measurements)';
    return `${t.name} — concurrency ${t.concurrency || 'unknown'}\n${table}\n  → ${t.verdict}`;
  });
  return blocks.join('\n\n');
}
