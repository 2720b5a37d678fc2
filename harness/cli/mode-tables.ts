import type { CapacityRow, KneeRow, KneeStep } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';
import { kneeOwnerWords, limitWords, rowFound } from '../analysis/knee-policy.ts';
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

const bracket = (r: KneeRow): string => {
  const lo = r.maxSustainableRps === null ? `< ${r.steps.length ? Math.min(...r.steps.map((s) => s.rate)) : '?'}` : rps(r.maxSustainableRps);
  const hi = r.lowestBrokenRps ?? null;
  return hi === null ? `≥ ${lo}` : `${lo} – ${rps(hi)}`;
};

const stepLine = (s: KneeStep): string =>
  `    ${s.ok ? '✓' : '✗'} ${rps(s.rate).padStart(6)} req/s${s.seconds !== undefined ? ` ${String(s.seconds).padStart(2)} s` : ''}: ${s.evidence?.state === 'unsettled' ? 'unsettled at its cap: ' : ''}${s.evidence?.reason ?? `p95 ${formatMs(s.p95)}, served ${rps(s.achievedRps)} req/s`}${s.limit ? `\n        ${limitWords(s.limit)}: ${s.limit.reason}` : ''}`;

/** "fastify-hello: at ≥ 25000.0 req/s the generator, not the server, was the limit" (the bracket's upper end). */
const brokenByLine = (r: KneeRow): string[] =>
  (r.brokenBy && r.lowestBrokenRps != null ? [`  ${r.name}: at ≥ ${rps(r.lowestBrokenRps)} req/s ${limitWords(r.brokenBy)}${kneeOwnerWords(r.brokenBy) ? `: ${kneeOwnerWords(r.brokenBy)}` : ''}`] : []);

/** A row whose every step held: its figure is a lower bound, and the search's end says why it went no further. */
const lowerBoundLine = (r: KneeRow): string[] =>
  (rowFound(r) === 'lower-bound' ? [`  ${r.name}: every step held, up to ${rps(r.maxSustainableRps)} req/s (stopped by ${r.stoppedBy}): a lower bound, not the knee`] : []);

/**
 * Knee mode's table: per target the bracket (highest steady rate – lowest that was not), the
 * reported knee (its lower end) beside theory, then every step with the reason it held or broke.
 */
export function formatKnee(rows: readonly KneeRow[]): string {
  const head = ['target', 'conc.', 'knee bracket req/s', 'reported knee', 'theory', 'of theory', 'p95 SLO', 'steps', 'stopped by'];
  const body = rows.map((r) => [
    r.state === 'ok' ? r.name : `${r.name} (${r.state})`, String(r.concurrency), bracket(r),
    rowFound(r) === 'lower-bound' ? `≥ ${rps(r.maxSustainableRps)}` : rps(r.maxSustainableRps), rps(r.theoreticalRps), ratio(r.maxSustainableRps, r.theoreticalRps), formatMs(r.sloMs), String(r.steps.length), r.stoppedBy,
  ]);
  const trails = rows.flatMap((r) => [`  ${r.name}:${r.error ? ` ${r.error}` : ''}${r.steps.length ? '' : ' (no steps)'}`, ...r.steps.map(stepLine)]);
  const limits = rows.flatMap(brokenByLine);
  const unbroken = rows.flatMap(lowerBoundLine);
  return [
    alignColumns([head, ...body]), '', 'steps (✓ steady / ✗ broken or unsettled), in the order run:', ...trails,
    ...(limits.length ? ['', 'what limited the lowest rate that broke:', ...limits] : []),
    ...(unbroken.length ? ['', 'no knee found (no step broke):', ...unbroken] : []),
  ].join('\n');
}
