/**
 * Is a load sustained? Only when the server is in a steady state at it: the requests waiting
 * for an answer stop growing, latency stops climbing and the served rate matches the offered
 * one. Just past capacity all three move slowly (the queue grows by the surplus each second),
 * so p95 can sit under an SLO for a while and 95% of the load can be served while the queue
 * already grows without bound; a rule that looks only at the SLO and a 90%-served share calls
 * such a rate sustainable. This module judges per-second series instead.
 */
import type { SteadyEvidence } from '../results/format.ts';

export type { SteadyEvidence };

/** One second of a load, as the recorder's rows give it. */
export interface LoadSecond {
  /** Requests offered in this second: the scheduled arrivals (open model) or an estimate (closed). */
  offered: number;
  /** Successful responses completed in this second. */
  served: number;
  /** Requests that ended in an error, and arrivals dropped unsent, in this second. */
  failed: number;
  /** p95 (ms) of the successful responses completed in this second; null when none were. */
  p95: number | null;
}

/** Thresholds of the steady-state rule; each is a "clearly", not a "possibly". */
export interface SteadyRule {
  /** Share of the seconds at the start left unjudged while the queue fills to its level. @default 0.25 */
  fillShare: number;
  /**
   * Served may fall short of offered by the backlog's noise (requests in flight across the
   * window's edges) plus this share of the offered requests before it counts. @default 0.02
   */
  servedTolerance: number;
  /** Backlog growth over the judged window that is noise however small the queue (requests). @default 3 */
  noiseRequests: number;
  /**
   * ... and as a share of the queue's own level (median backlog over the judged window's first
   * half): a steady queue of L requests moves by about L, one that grows leaves its level. @default 0.5
   */
  levelShare: number;
  /**
   * ... and the arrivals of one stall of this many ms at the offered rate. A pause of the server,
   * the generator or the machine leaves τ × rate requests queued, and when it falls at a second's
   * edge the backlog shows them there: at 20,000 req/s, 3 ms of arrivals are 60 requests, a
   * count fixed in requests would call that growth. On this 2-core machine the open driver's worst
   * launch lag per knee step runs 4–14 ms (2026-11-29); least squares over a judged window of
   * 4 seconds weighs a pile-up in its last second 1.2×, so 14 ms there reads as ≈ 17: 20 ms
   * covers it. Slow targets keep their floor in requests (20 ms at 17 req/s is 0.3 requests),
   * and a real overload ε grows the backlog by ε × rate every second: 2 % at 50,000 req/s is
   * 1,000 requests a second against an allowance of 1,000 in all. @default 20
   */
  stallMs: number;
  /**
   * Share by which the offered figures themselves may be off, added to the backlog's allowance:
   * 0 for an open model's schedule (exact); a closed model's offered load is an estimate. @default 0
   */
  offeredUncertainty: number;
  /** p95 rise (ms) across the window below which it is noise. @default 60 */
  riseFloorMs: number;
  /** ... and the same as a share of the first half's p95 ("clearly above": 20% and 60 ms). @default 0.2 */
  riseShare: number;
  /** Share of failed requests (and dropped arrivals) over the judged window above which a load is broken outright. @default 0.01 */
  maxFailShare: number;
  /** Growth past this many times the allowance is "clearly broken" (the step may stop early). @default 3 */
  clearlyFactor: number;
}

export const STEADY_RULE: SteadyRule = {
  fillShare: 0.25, servedTolerance: 0.02, noiseRequests: 3, levelShare: 0.5, stallMs: 20, offeredUncertainty: 0, riseFloorMs: 60, riseShare: 0.2, maxFailShare: 0.01, clearlyFactor: 3,
};

/**
 * steady: no sign of growth. broken: the load is clearly not sustained. unsettled: a trend
 * the window is too short to call either way; a caller that must decide counts it as not held.
 */
export type SteadyState = SteadyEvidence['state'];

/** Rounded to `d` decimals; never -0, which JSON writes as 0 and would not read back the same. */
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d || 0;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Least-squares slope of ys against 0, 1, 2, …; null with fewer than two points. */
export function slope(ys: readonly number[]): number | null {
  const n = ys.length;
  if (n < 2) return null;
  const mx = (n - 1) / 2;
  const my = sum(ys) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => { num += (x - mx) * (y - my); den += (x - mx) ** 2; });
  return num / den;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Running sum of offered − served − failed: what is queued or being worked on at each second's end. */
export function backlogOf(series: readonly LoadSecond[]): number[] {
  let b = 0;
  return series.map((s) => (b += s.offered - s.served - s.failed));
}

/** Slope of the per-second p95 over seconds that had one (gaps keep their time). */
function p95Slope(p95s: readonly (number | null)[]): number | null {
  const pts = p95s.flatMap((p, x) => (p === null ? [] : [{ x, p }]));
  if (pts.length < 2) return null;
  const mx = sum(pts.map((q) => q.x)) / pts.length;
  const my = sum(pts.map((q) => q.p)) / pts.length;
  const den = sum(pts.map((q) => (q.x - mx) ** 2));
  return den === 0 ? null : sum(pts.map((q) => (q.x - mx) * (q.p - my))) / den;
}

/**
 * Backlog movement that is noise for a queue at `level` requests under `rate` req/s: the
 * largest of the floor in requests, the share of the level, and one stall's arrivals.
 */
export function backlogNoise(rule: SteadyRule, level: number, rate: number): number {
  return Math.max(rule.noiseRequests, rule.levelShare * level, (rule.stallMs / 1000) * rate);
}

/** The figures of a judgement, before it is made. */
export function steadyEvidence(series: readonly LoadSecond[], rule: SteadyRule = STEADY_RULE): Omit<SteadyEvidence, 'state' | 'reason' | 'decidedBy'> {
  const backlog = backlogOf(series);
  const judgedFrom = Math.min(series.length - 1, Math.max(1, Math.round(series.length * rule.fillShare)));
  const window = series.slice(Math.max(0, judgedFrom));
  const offered = sum(window.map((s) => s.offered));
  const growth = (slope(backlog.slice(judgedFrom)) ?? 0) * window.length;
  const p95s = window.map((s) => s.p95);
  const half = Math.max(1, Math.floor(window.length / 2));
  const present = (xs: (number | null)[]) => xs.filter((p): p is number => p !== null);
  const first = median(present(p95s.slice(0, half)));
  const second = median(present(p95s.slice(window.length - half)));
  const s = p95Slope(p95s);
  return {
    backlog: backlog.map((b) => round(b)),
    judgedFrom,
    backlogGrowth: round(growth),
    backlogAllowance: round(backlogNoise(rule, median(backlog.slice(judgedFrom, judgedFrom + half)) ?? 0, offered / Math.max(1, window.length)) + rule.offeredUncertainty * offered),
    p95FirstHalf: first === null ? null : round(first),
    p95SecondHalf: second === null ? null : round(second),
    p95SlopeMsPerS: s === null ? null : round(s),
    servedRatio: offered > 0 ? round(sum(window.map((x) => x.served)) / offered, 3) : null,
    // Over the judged seconds, as the other signs: a step's first second also holds the open
    // driver's cold start (its connections opening; at 22,000 req/s a fifth of that second's
    // arrivals were dropped, none after it), which says nothing about the rate being sustained.
    failShare: offered > 0 ? round(sum(window.map((x) => x.failed)) / offered, 4) : 0,
  };
}

/** ", one 20-ms stall's arrivals" when that is what set the backlog's allowance (`offered`: the judged window's). */
function stallWords(rule: SteadyRule, e: ReturnType<typeof steadyEvidence>, offered: number, seconds: number): string {
  const stall = (rule.stallMs / 1000) * (offered / seconds);
  const noise = e.backlogAllowance - rule.offeredUncertainty * offered;
  return stall > rule.noiseRequests && Math.abs(stall - noise) < 0.1 ? `, one ${rule.stallMs}-ms stall's arrivals` : '';
}

/**
 * Judge a load from its per-second series. Broken: failures past `maxFailShare`, p95 past the
 * SLO (when given) in the judged window's second half (median second), or backlog growth / a served shortfall / a p95 rise
 * past `clearlyFactor` times its allowance. Unsettled: any of those three past its allowance
 * (growing, but the window is too short to say how fast). Steady: none of them.
 * The p95 rise is second-half − first-half median, counted when the per-second slope is positive.
 */
export function judgeSteady(series: readonly LoadSecond[], opts: { sloMs?: number; rule?: SteadyRule } = {}): SteadyEvidence {
  const rule = opts.rule ?? STEADY_RULE;
  if (series.length < 2) {
    return { ...steadyEvidence(series, rule), state: 'unsettled', reason: `only ${series.length} s measured`, decidedBy: 'too-short' };
  }
  const e = steadyEvidence(series, rule);
  const judged = series.slice(e.judgedFrom);
  const verdict = (state: SteadyState, reason: string, decidedBy: SteadyEvidence['decidedBy']): SteadyEvidence => ({ ...e, state, reason, decidedBy });
  if (e.failShare > rule.maxFailShare) return verdict('broken', `${round(e.failShare * 100)}% of requests failed or were dropped`, 'failures');
  if (judged.every((s) => s.p95 === null)) return verdict('broken', 'no successful response', 'failures');
  // The SLO is held to the typical second of the judged window's second half, not its worst one:
  // a second's p95 of a few dozen responses is close to their maximum.
  if (opts.sloMs !== undefined && e.p95SecondHalf !== null && e.p95SecondHalf > opts.sloMs) {
    return verdict('broken', `p95 ${round(e.p95SecondHalf, 0)} ms (median second of the step's second half), past the ${opts.sloMs} ms SLO`, 'slo');
  }
  // A rise counts when the halves say so and the slope agrees in sign: one slow second at the
  // end (or the drain booked in the last one) moves a median of several seconds little.
  const halves = e.p95FirstHalf !== null && e.p95SecondHalf !== null ? e.p95SecondHalf - e.p95FirstHalf : 0;
  const rise = (e.p95SlopeMsPerS ?? 0) > 0 ? halves : 0;
  const riseAllowance = Math.max(rule.riseFloorMs, rule.riseShare * (e.p95FirstHalf ?? 0));
  const shortfall = e.servedRatio === null ? 0 : 1 - e.servedRatio;
  // offered − served over the window is the backlog's growth between its edges (plus failures):
  // allow the backlog's noise, and the counting tolerance on top.
  const offeredJudged = Math.max(1, sum(judged.map((x) => x.offered)));
  const shortAllowance = (e.backlogAllowance + rule.servedTolerance * offeredJudged) / offeredJudged;
  const signs = [
    { by: 'backlog' as const, over: e.backlogGrowth / e.backlogAllowance, text: `backlog grew by ${e.backlogGrowth} requests (noise allows ${e.backlogAllowance}${stallWords(rule, e, offeredJudged, judged.length)})` },
    { by: 'served' as const, over: shortfall / shortAllowance, text: `served ${round((e.servedRatio ?? 0) * 100)}% of offered (noise allows ${round((1 - shortAllowance) * 100)}%)` },
    { by: 'latency-trend' as const, over: rise / riseAllowance, text: `p95 rose ${round(rise, 0)} ms across the step (${e.p95FirstHalf} → ${e.p95SecondHalf} ms, ${e.p95SlopeMsPerS} ms/s; noise allows ${round(riseAllowance, 0)})` },
  ].sort((a, b) => b.over - a.over);
  const top = signs[0]!;
  if (top.over > rule.clearlyFactor) return verdict('broken', top.text, top.by);
  if (top.over > 1) return verdict('unsettled', top.text, top.by);
  return verdict('steady', `steady: backlog ${e.backlogGrowth >= 0 ? '+' : ''}${e.backlogGrowth} (allows ${e.backlogAllowance}), served ${round((e.servedRatio ?? 0) * 100)}%, p95 ${e.p95FirstHalf} → ${e.p95SecondHalf} ms`, null);
}
