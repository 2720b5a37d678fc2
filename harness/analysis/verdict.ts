import type { IntervalRow, StageStats } from '../results/format.ts';
import { backlogNoise, judgeSteady, STEADY_RULE, type LoadSecond } from './steady-state.ts';

export type VerdictStage = Pick<StageStats, 'index' | 'users' | 'p95' | 'errorPct' | 'requests'> & Partial<Pick<StageStats, 'rps' | 'mean' | 'offered'>> & {
  /** The stage's steady part, one row per second: with it the stage is judged by the steady-state rule. */
  seconds?: readonly Pick<IntervalRow, 'users' | 'rps' | 'errorsTotal' | 'dropped' | 'p95'>[];
};

export interface VerdictOptions {
  /** Absolute p95 bound (ms); replaces the relative-to-baseline rule. */
  sloMs?: number;
  /** What a stage's `users` counts: virtual users (closed) or arrivals per second (open). @default 'users' */
  unit?: 'users' | 'req/s';
  /**
   * Closed model: the users' mean think time (s). With it, each stage's offered load is
   * users / (think time + baseline response time) — what the users would send if nothing queued.
   * Open model: the offered load is the stage's arrival rate itself.
   */
  meanWaitSeconds?: number;
}

export interface Verdict {
  status: 'held' | 'degraded';
  /** `index` of the first degraded stage (0-based, as in StageStats); text numbers stages from 1. */
  degradedFrom: number | null;
  text: string;
}

/** Each stage with the per-second rows of its steady part, so the verdict can judge it by the steady-state rule. */
export function withSeconds<S extends Pick<StageStats, 'steadyFrom' | 'end'>>(stages: readonly S[], rows: readonly IntervalRow[]): (S & Pick<VerdictStage, 'seconds'>)[] {
  return stages.map((s) => ({ ...s, seconds: rows.filter((r) => r.t >= s.steadyFrom && r.t < s.end) }));
}

/** More than 1 request in 100 failing is an outage for users, however fast the rest were. */
const MAX_ERROR_PCT = 1;
/** Floor on the slowdown that counts, so a fast baseline's jitter (6 → 13 ms) is not "doubling". */
const MIN_SLOWDOWN_MS = 50;
/**
 * Latency alone breaks the server past 5× the baseline: under M/M/1 queueing R = S / (1 − ρ),
 * so 5× means ≈ 80% busy, where every extra request adds visibly to everyone's wait.
 */
const BREAK_FACTOR = 5;
const BREAK_FLOOR_MS = 250;

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

/** What each stage offered (req/s), when it can be known; null where it cannot. */
function offeredLoad(s: VerdictStage, base: VerdictStage | undefined, opts: VerdictOptions): number | null {
  // A ramp stage's `users` is the rate it ends at; `offered` is its mean.
  if ((opts.unit ?? 'users') === 'req/s') return s.offered ?? s.users;
  if (opts.meanWaitSeconds === undefined || base?.mean == null) return null;
  return s.users / (opts.meanWaitSeconds + base.mean / 1000);
}

/**
 * A closed model's offered load is an estimate from mean think and response times; over a
 * stage of a few hundred cycles of random think time it is good to about 1% (2 standard errors).
 * The steady-state rule allows 3% on top of its own noise.
 */
const CLOSED_OFFERED_UNCERTAINTY = 0.03;

/**
 * The load the steady-state rule holds a stage to. Open model: the arrival rate. Closed model:
 * what its users send at the response time they actually got, users ÷ (think time + the stage's
 * mean response) — Little's law for a loop in a steady state. Users who wait longer send less;
 * that slowdown is for the latency rules to judge, not a load left unserved.
 */
function sustainedLoad(s: VerdictStage, opts: VerdictOptions): number | null {
  if ((opts.unit ?? 'users') === 'req/s') return s.offered ?? s.users;
  if (opts.meanWaitSeconds === undefined || s.mean == null) return null;
  return s.users / (opts.meanWaitSeconds + s.mean / 1000);
}

/**
 * Was the stage's load sustained (harness/analysis/steady-state.ts)? With its per-second rows:
 * no backlog growth, no upward latency trend, served within the noise of offered. Without them
 * (medians across repeats): served within the rule's noise of offered over the stage.
 * Returns why not, or null when it was (or nothing is known to judge by).
 */
export function notSustained(s: VerdictStage, opts: VerdictOptions): string | null {
  const load = sustainedLoad(s, opts);
  if (load === null || load <= 0 || s.rps === undefined) return null;
  if (s.seconds && s.seconds.length >= 2) {
    const series: LoadSecond[] = s.seconds.map((r) => ({ offered: (opts.unit ?? 'users') === 'req/s' ? r.users : load, served: r.rps, failed: r.errorsTotal + r.dropped, p95: r.p95 }));
    // Failures and latency bounds have their own rules here; this one judges only steadiness.
    const closed = (opts.unit ?? 'users') === 'users';
    const e = judgeSteady(series, { rule: { ...STEADY_RULE, maxFailShare: Infinity, offeredUncertainty: closed ? CLOSED_OFFERED_UNCERTAINTY : 0 } });
    return e.state === 'steady' ? null : e.reason;
  }
  const seconds = Math.max(1, s.requests / Math.max(load, 1e-9));
  const uncertainty = (opts.unit ?? 'users') === 'users' ? CLOSED_OFFERED_UNCERTAINTY : 0;
  const allowed = (backlogNoise(STEADY_RULE, 0, load) + (STEADY_RULE.servedTolerance + uncertainty) * load * seconds) / (load * seconds);
  return s.rps < load * (1 - allowed) ? `served ${num(s.rps)} of ${num(load)} req/s (noise allows ${num(100 * (1 - allowed))}%)` : null;
}

/**
 * Did the target hold up as load rose? The first stage with requests is the lowest load and so
 * the baseline: what the target does when nothing queues. A stage *broke* when over 1% of its
 * requests failed, when its load was not sustained (notSustained: a growing backlog, latency
 * trending up, or served short of offered beyond the noise), when its p95 went past 5× the
 * baseline (and 250 ms worse), or past `sloMs` when given. A stage whose p95 only
 * doubled (and is 50 ms worse) while throughput kept pace *slowed*: the target held, and the
 * text says by how much. Stages that offered no load (0 users, no requests) say nothing.
 */
export function verdict(stages: readonly VerdictStage[], opts: VerdictOptions = {}): Verdict {
  const unit = opts.unit ?? 'users';
  const loaded = stages.filter((s) => s.users > 0 || s.requests > 0);
  if (loaded.length === 0) return { status: 'degraded', degradedFrom: null, text: 'no stage was measured' };
  const baseStage = loaded.find((s) => s.p95 !== null);
  const base = baseStage?.p95 ?? 0;
  const slowLimit = Math.max(2 * base, base + MIN_SLOWDOWN_MS);
  const breakLimit = opts.sloMs ?? Math.max(BREAK_FACTOR * base, base + BREAK_FLOOR_MS);
  const unsteady = loaded.map((s) => (opts.sloMs === undefined ? notSustained(s, opts) : null));
  const at = loaded.findIndex((s, i) => s.p95 === null || s.p95 > breakLimit || s.errorPct > MAX_ERROR_PCT || unsteady[i] !== null);
  const label = (s: VerdictStage) => `stage ${s.index + 1} (${load(s.users, unit)})`;

  if (at === -1) {
    const worstStage = loaded.reduce((w, s) => ((s.p95 ?? 0) > (w.p95 ?? 0) ? s : w));
    const worst = worstStage.p95 ?? 0;
    if (opts.sloMs === undefined && worst > slowLimit) {
      return { status: 'held', degradedFrom: null, text: `held, slowed: p95 ${formatMs(base)} → ${formatMs(worst)} at ${label(worstStage)}, throughput kept pace with load` };
    }
    return { status: 'held', degradedFrom: null, text: `held p95 under ${formatMs(ceilBound(worst))} at every stage` };
  }

  const from = loaded[at]!;
  const rest = loaded.slice(at);
  const worstErrors = Math.max(...rest.map((s) => s.errorPct));
  const errors = worstErrors > MAX_ERROR_PCT ? `, ${worstErrors.toFixed(1)}% errors` : '';
  const dead = rest.find((s) => s.p95 === null);
  if (dead === from) {
    return { status: 'degraded', degradedFrom: from.index, text: `no successful responses from ${label(from)}${errors}` };
  }
  const worst = Math.max(...rest.map((s) => s.p95 ?? 0));
  const offered = offeredLoad(from, baseStage, opts);
  const why = unsteady[at] ?? null;
  const short = offered !== null && from.rps !== undefined && from.rps < offered * (1 - STEADY_RULE.servedTolerance);
  const served = short && (why !== null || (from.p95 ?? 0) > breakLimit) ? `, served ${num(from.rps!)} of ≈${num(offered!)} req/s offered` : '';
  const steady = why !== null && !why.startsWith('served ') ? `; not steady: ${why}` : '';
  const died = dead ? `; no successful responses from ${label(dead)}` : '';
  return {
    status: 'degraded',
    degradedFrom: from.index,
    text: `degraded from ${label(from)}: p95 ${formatMs(base)} → ${formatMs(worst)}${served}${errors}${steady}${died}`,
  };
}
