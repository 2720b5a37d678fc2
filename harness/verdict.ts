import type { StageStats } from './results-format.ts';

export type VerdictStage = Pick<StageStats, 'index' | 'users' | 'p95' | 'errorPct' | 'requests'>;

export interface VerdictOptions {
  /** Absolute p95 bound (ms); replaces the relative-to-baseline rule. */
  sloMs?: number;
  /** What a stage's `users` counts: virtual users (closed) or arrivals per second (open). @default 'users' */
  unit?: 'users' | 'req/s';
}

export interface Verdict {
  status: 'held' | 'degraded';
  /** `index` of the first degraded stage (0-based, as in StageStats); text numbers stages from 1. */
  degradedFrom: number | null;
  text: string;
}

/** More than 1 request in 100 failing is an outage for users, however fast the rest were. */
const MAX_ERROR_PCT = 1;
/** Floor on the slowdown that counts, so a fast baseline's jitter (6 → 13 ms) is not "doubling". */
const MIN_SLOWDOWN_MS = 50;

/** `68 ms` below a second, `2.1 s` above; `—` when there was nothing to measure. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  const whole = Math.round(ms);
  return whole < 1000 ? `${whole} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(1))));
const load = (n: number, unit: 'users' | 'req/s') => (unit === 'users' ? `${num(n)} ${n === 1 ? 'user' : 'users'}` : `${num(n)} req/s`);

// Rounded up to a bound the printed text makes true: 113 → "120 ms", 1234 → "1.3 s".
function ceilBound(ms: number): number {
  const tens = Math.floor(ms / 10) * 10 + 10;
  return tens < 1000 ? tens : Math.floor(ms / 100) * 100 + 100;
}

/**
 * Did the target hold up as load rose? The first stage with requests is the lowest load and
 * so the baseline: what the target does when nothing queues. A stage is degraded when its p95
 * is past twice the baseline (queueing has begun to dominate service time) and at least 50 ms
 * worse (a difference a user could notice), or past `sloMs` when given, or when over 1% of
 * its requests failed. Stages that offered no load (0 users, no requests) say nothing.
 */
export function verdict(stages: readonly VerdictStage[], opts: VerdictOptions = {}): Verdict {
  const unit = opts.unit ?? 'users';
  const loaded = stages.filter((s) => s.users > 0 || s.requests > 0);
  if (loaded.length === 0) return { status: 'degraded', degradedFrom: null, text: 'no stage was measured' };
  const base = loaded.find((s) => s.p95 !== null)?.p95 ?? 0;
  const limit = opts.sloMs ?? Math.max(2 * base, base + MIN_SLOWDOWN_MS);
  const at = loaded.findIndex((s) => s.p95 === null || s.p95 > limit || s.errorPct > MAX_ERROR_PCT);

  if (at === -1) {
    const worst = Math.max(...loaded.map((s) => s.p95 ?? 0));
    return { status: 'held', degradedFrom: null, text: `held p95 under ${formatMs(ceilBound(worst))} at every stage` };
  }

  const from = loaded[at]!;
  const rest = loaded.slice(at);
  const label = (s: VerdictStage) => `stage ${s.index + 1} (${load(s.users, unit)})`;
  const worstErrors = Math.max(...rest.map((s) => s.errorPct));
  const errors = worstErrors > MAX_ERROR_PCT ? `, ${worstErrors.toFixed(1)}% errors` : '';
  const dead = rest.find((s) => s.p95 === null);
  if (dead === from) {
    return { status: 'degraded', degradedFrom: from.index, text: `no successful responses from ${label(from)}${errors}` };
  }
  const worst = Math.max(...rest.map((s) => s.p95 ?? 0));
  const died = dead ? `; no successful responses from ${label(dead)}` : '';
  return {
    status: 'degraded',
    degradedFrom: from.index,
    text: `degraded from ${label(from)}: p95 ${formatMs(base)} → ${formatMs(worst)}${errors}${died}`,
  };
}
