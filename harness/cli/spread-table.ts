import type { SpreadStats, Summary } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';
import { alignColumns } from './table.ts';

const ms = (s: SpreadStats | null) => (s ? `${formatMs(s.min)} / ${formatMs(s.median)} / ${formatMs(s.max)}` : '—');
const rps = (s: SpreadStats | null) => (s ? `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)}` : '—');

/** The end-of-run table with --repeat > 1: per stage, min / median / max across repeats. */
export function formatSpread(summary: Summary, unit: 'users' | 'req/s'): string {
  return summary.targets.map((t) => {
    const head = ['stage', unit === 'users' ? 'users' : 'rate', 'req/s min / med / max', 'p50 min / med / max', 'p95 min / med / max', 'n'];
    const rows = t.stages.map((s) => [String(s.index + 1), String(s.users), rps(s.spread?.rps ?? null), ms(s.spread?.p50 ?? null), ms(s.spread?.p95 ?? null), String(s.spread?.n ?? 0)]);
    const table = rows.length ? alignColumns([head, ...rows]).replace(/^/gm, '  ') : '  (no measurements)';
    return `${t.name} — concurrency ${t.concurrency}, ${t.repeats ?? 1} repeat(s)\n${table}\n  → on the medians: ${t.verdict}`;
  }).join('\n\n');
}
