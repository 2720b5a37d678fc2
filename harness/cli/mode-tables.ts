import type { CapacityRow, KneeRow } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';
import { alignColumns } from './table.ts';

const rps = (n: number | null) => (n === null ? '—' : n.toFixed(1));
const ratio = (measured: number | null, theory: number | null) => (measured === null || !theory ? '—' : `${Math.round((measured / theory) * 100)}%`);

/** Capacity mode's table: measured req/s next to concurrency ÷ mean service time. */
export function formatCapacity(rows: readonly CapacityRow[]): string {
  const head = ['target', 'conc.', 'conns', 'req/s', 'theory', 'of theory', 'p50', 'p95', 'p99', 'errors', 'timeouts'];
  const body = rows.map((r) => [
    r.state === 'ok' ? r.name : `${r.name} (${r.state})`, String(r.concurrency), String(r.connections), rps(r.rps), rps(r.theoreticalRps),
    ratio(r.rps, r.theoreticalRps), formatMs(r.p50), formatMs(r.p95), formatMs(r.p99), String(r.errors), String(r.timeouts),
  ]);
  const notes = rows.filter((r) => r.error).map((r) => `  ${r.name}: ${r.error}`);
  return [alignColumns([head, ...body]), ...notes].join('\n');
}

/** Knee mode's table: the answer per target, then the steps that led to it (✓ held, ✗ broke). */
export function formatKnee(rows: readonly KneeRow[]): string {
  const head = ['target', 'conc.', 'max sustainable req/s', 'theory', 'p95 SLO', 'steps', 'stopped by'];
  const body = rows.map((r) => [
    r.state === 'ok' ? r.name : `${r.name} (${r.state})`, String(r.concurrency),
    r.maxSustainableRps === null ? `< ${r.steps.length ? Math.min(...r.steps.map((s) => s.rate)) : '?'}` : rps(r.maxSustainableRps),
    rps(r.theoreticalRps), formatMs(r.sloMs), String(r.steps.length), r.stoppedBy,
  ]);
  const trails = rows.map((r) => `  ${r.name}: ${r.steps.map((s) => `${s.rate}${s.ok ? '✓' : '✗'}`).join(' ') || '(no steps)'}${r.error ? ` — ${r.error}` : ''}`);
  return [alignColumns([head, ...body]), '', 'steps (req/s, ✓ held / ✗ broke):', ...trails].join('\n');
}
