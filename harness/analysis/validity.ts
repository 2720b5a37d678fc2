import type { WaitTime } from '../../profiles/lib/define.ts';
import type {
  ErrorCounts, GeneratorLoad, IntervalRow, LittleStage, OpenDriveInfo, RunValidity, SpreadTarget, SpreadStats, StageStats, TargetValidity, ValidityCheck,
} from '../results/format.ts';
import { meanWaitSeconds } from './schedule.ts';

/** Little's law and offered vs achieved load must agree within this share. */
export const VALIDITY_TOLERANCE = 0.1;
/** A launch this late (ms) behind its intended time is the generator's delay inside a latency: the same limit as its event-loop delay (record/saturation). */
export const MAX_LAG_LIMIT_MS = 20;
/** Stages with more errors than this (% of requests) are not checked by Little's law: an error's time is not in the mean latency. */
export const LITTLE_MAX_ERROR_PCT = 1;
/** Too few requests or steady seconds make the means themselves noise. */
export const LITTLE_MIN_REQUESTS = 20;
export const LITTLE_MIN_SECONDS = 2;
/** Across repeats, a p95 range over half its median (the report's "noise, not a finding"), or a req/s range over a fifth, means the repeats disagree. */
export const NOISE_P95_RANGE = 0.5;
export const NOISE_RPS_RANGE = 0.2;

/** One target run (one repeat): what the checks read, all from the run folder. */
export interface ValidityInput {
  model: 'closed' | 'open';
  /** Closed model: the users' think time. */
  wait?: WaitTime;
  stages: readonly StageStats[];
  rows: readonly IntervalRow[];
  generator?: GeneratorLoad | undefined;
  openDrive?: OpenDriveInfo | undefined;
  /** Errors of the whole run, by kind. */
  errors: ErrorCounts;
  /** The profile's per-request deadline: a request that timed out was in flight this long. */
  timeoutMs?: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const steadyRows = (s: StageStats, rows: readonly IntervalRow[]) => rows.filter((r) => r.t >= s.steadyFrom && r.t < s.end);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Closed model: a user whose next pause would outlast the profile stops at once instead of
 * thinking, so over the profile's last seconds fewer users cycle while their last answers still
 * count full cycles. The longest pause's worth of seconds at the profile's end is left out
 * (it read +2.7 to +3.6 % on every target's last launch stage).
 */
function beforeLastPauses(rows: readonly IntervalRow[], input: ValidityInput): readonly IntervalRow[] {
  const w = input.wait;
  if (input.model !== 'closed' || !w || input.rows.length === 0) return rows;
  const longest = w.kind === 'between' ? w.max : w.seconds;
  const end = input.rows.at(-1)!.t + 1 - Math.ceil(longest);
  return rows.filter((r) => r.t < end);
}

/** What Little's law is judged on: a span of whole seconds and what completed in it. */
interface LittleWindow {
  from: number;
  seconds: number;
  requests: number;
  errorsTotal: number;
  timeouts: number;
  /** Successful responses and their mean latency (open: from the actual send). */
  ok: { count: number; mean: number | null } | null;
  /** Time-averaged population: closed, users whose loop ran; open, requests in flight; null when not recorded. */
  population: number | null;
}

function populationOf(rows: readonly IntervalRow[], open: boolean): number | null {
  if (rows.length === 0) return null;
  if (!open) return mean(rows.map((r) => r.liveUsers ?? r.users));
  return rows.every((r) => r.inFlight !== undefined) ? mean(rows.map((r) => r.inFlight!)) : null;
}

/**
 * The steady seconds once the requests the window opened with have cleared: they carry time
 * spent before it (a previous stage's queue) into its mean latency, so the span starts after the
 * first second's slowest response (rounded up to whole seconds). Needs the rows' own means.
 */
function settledWindow(rows: readonly IntervalRow[], open: boolean): LittleWindow {
  const settle = Math.ceil((rows[0]?.max ?? 0) / 1000);
  const span = rows.slice(settle);
  let count = 0, sum = 0;
  for (const r of span) {
    const m = open ? r.sentMean : r.mean;
    if (m === null || m === undefined || r.rps === 0) continue;
    count += r.rps;
    sum += r.rps * m;
  }
  return {
    from: span[0]?.t ?? (rows[0]?.t ?? 0) + settle, seconds: span.length,
    requests: span.reduce((n, r) => n + r.requests, 0), errorsTotal: span.reduce((n, r) => n + r.errorsTotal, 0), timeouts: span.reduce((n, r) => n + r.errors.timeout, 0),
    ok: { count, mean: count ? sum / count : null }, population: populationOf(span, open),
  };
}

/** Older runs (rows without means): the whole steady part, with the stage's own statistics. */
function stageWindow(s: StageStats, rows: readonly IntervalRow[], open: boolean): LittleWindow {
  return {
    from: s.steadyFrom, seconds: rows.length, requests: rows.reduce((n, r) => n + r.requests, 0), errorsTotal: s.errorsTotal, timeouts: s.errors.timeout,
    ok: open ? (s.sent ?? null) : s, population: populationOf(rows, open),
  };
}

/**
 * Little's law on one stage's steady part. Closed: N = time-averaged virtual users whose loop ran
 * (the rows' live count, not the stage's nominal one: after a ramp down, users told to stop still
 * finish their request and think time, and their answers count in the throughput). Open:
 * N = requests in flight as the driver counted them, time-averaged. Either way N ≈ X × (R + Z)
 * with X the completed requests per second, R the mean response time (open: from the actual
 * send, as in flight is counted from it) and Z the mean think time (open: none). The span starts
 * once the requests it opened with have cleared (settledWindow).
 */
export function littleStage(s: StageStats, input: ValidityInput): LittleStage {
  const rows = beforeLastPauses(steadyRows(s, input.rows), input);
  const open = input.model === 'open';
  const w = rows.length && rows.every((r) => r.mean !== undefined) ? settledWindow(rows, open) : stageWindow(s, rows, open);
  const throughput = w.seconds ? w.requests / w.seconds : 0;
  const measured = w.population;
  const responseMs = meanWithTimeouts(w.ok, w.timeouts, input.timeoutMs);
  const thinkMs = open || responseMs === null || !input.wait ? null : meanWaitSeconds(input.wait, responseMs / 1000) * 1000;
  const base = {
    stage: s.index, from: w.from, measured: round(measured ?? 0), throughput: round(throughput),
    responseMs: responseMs === null ? null : round(responseMs), thinkMs: thinkMs === null ? null : round(thinkMs),
  };
  const skip = (note: string): LittleStage => ({ ...base, predicted: null, deviationPct: null, ok: null, note });
  if (rows.length === 0) return skip('no steady seconds');
  // A short stage can have no seconds left once its opening requests clear: that is too little
  // to judge, not a missing count.
  if (w.seconds < LITTLE_MIN_SECONDS || w.requests < LITTLE_MIN_REQUESTS) return skip(`too little to judge (${w.seconds} settled s from ${w.from} s, ${w.requests} requests)`);
  if (measured === null) return skip('no in-flight count in this run (older run folder)');
  const untimed = ((w.errorsTotal - (input.timeoutMs === undefined ? 0 : w.timeouts)) / w.requests) * 100;
  if (untimed > LITTLE_MAX_ERROR_PCT) return skip(`${round(untimed, 1)}% errors whose time is not known (not in the mean latency)`);
  if (responseMs === null || (!open && thinkMs === null)) return skip('no mean latency or think time');
  if (measured <= 0) return skip('nothing in flight');
  const edges = edgeImbalance(rows.filter((r) => r.t >= w.from), open, input.timeoutMs);
  if (edges !== null && edges.share > VALIDITY_TOLERANCE) {
    return skip(`not in a steady state: the queue's request-seconds went from ${round(edges.first, 1)} to ${round(edges.last, 1)} across the stage (${round(edges.share * 100, 0)}% of what it held); over a finite window Little's law needs a stage that ends as it began`);
  }
  const predicted = throughput * (responseMs + (thinkMs ?? 0)) / 1000;
  const deviation = (predicted - measured) / measured;
  const note = w.timeouts && input.timeoutMs !== undefined ? `mean response counts ${w.timeouts} timeout(s) at the ${input.timeoutMs} ms deadline` : null;
  return { ...base, predicted: round(predicted), deviationPct: round(deviation * 100, 1), ok: Math.abs(deviation) <= VALIDITY_TOLERANCE, note };
}

/**
 * How far a stage is from a steady state, for Little's law: over a finite window, N̄·T equals
 * X·T·W only up to the time of the requests in flight at its edges. In a steady state the two
 * edges hold alike and cancel; a queue that grows or drains across the stage does not (open
 * model past capacity). Each edge is its second's population × that second's mean time in the
 * system; the share is their difference over the window's N̄·T. Null without the rows' own means.
 */
function edgeImbalance(rows: readonly IntervalRow[], open: boolean, timeoutMs: number | undefined): { first: number; last: number; share: number } | null {
  const first = rows[0], last = rows.at(-1);
  if (!first || !last || rows.length < 2) return null;
  const edge = (r: IntervalRow): number | null => {
    const pop = open ? r.inFlight : (r.liveUsers ?? r.users);
    const w = meanWithTimeouts({ count: r.rps, mean: (open ? r.sentMean : r.mean) ?? null }, r.errors.timeout, timeoutMs);
    return pop === undefined || w === null ? null : (pop * w) / 1000;
  };
  const a = edge(first), b = edge(last);
  const pop = populationOf(rows, open);
  if (a === null || b === null || !pop) return null;
  return { first: a, last: b, share: Math.abs(b - a) / (pop * rows.length) };
}

/**
 * Mean time in the system of every answered or timed-out request: a timeout held its request for
 * exactly the deadline, so it counts with that time (the histograms hold successes only).
 */
function meanWithTimeouts(ok: { count: number; mean: number | null } | null, timeouts: number, timeoutMs: number | undefined): number | null {
  if (!ok || ok.mean === null) return null;
  if (!timeouts || timeoutMs === undefined) return ok.mean;
  return (ok.count * ok.mean + timeouts * timeoutMs) / (ok.count + timeouts);
}

function littleLine(l: LittleStage, open: boolean): string {
  const n = open ? 'in flight' : 'users';
  const cycle = open ? `${l.responseMs} ms` : `(${l.responseMs} ms + ${l.thinkMs} ms think)`;
  return `stage ${l.stage + 1}${l.from !== undefined ? ` (from ${l.from} s)` : ''}: ${l.measured} ${n} measured vs ${l.predicted} = ${l.throughput} req/s × ${cycle} (${l.deviationPct! > 0 ? '+' : ''}${l.deviationPct}%)`;
}

function littlesLawCheck(stages: readonly LittleStage[], open: boolean): ValidityCheck {
  const checked = stages.filter((l) => l.ok !== null);
  if (checked.length === 0) return { check: 'littles-law', ok: null, detail: `not checked: ${stages.map((l) => `stage ${l.stage + 1} ${l.note}`).join('; ') || 'no stages'}` };
  const bad = checked.filter((l) => !l.ok);
  if (bad.length) return { check: 'littles-law', ok: false, detail: `Little's law off by more than ${VALIDITY_TOLERANCE * 100}% at ${bad.map((l) => littleLine(l, open)).join('; ')}` };
  const worst = checked.reduce((a, b) => (Math.abs(b.deviationPct!) > Math.abs(a.deviationPct!) ? b : a));
  return { check: 'littles-law', ok: true, detail: `Little's law holds within ${VALIDITY_TOLERANCE * 100}% on ${checked.length} of ${stages.length} stage(s); widest ${littleLine(worst, open)}` };
}

/**
 * Did the generator offer what the profile asked? Open: arrivals handled (launched + dropped)
 * per second against the scheduled rate. Closed: virtual users running (time-averaged) against the
 * stage's users. A server too slow to answer does not fail this: that is the verdict's business.
 */
export function offeredLoadCheck(input: ValidityInput): ValidityCheck {
  const open = input.model === 'open';
  const lines: { stage: number; want: number; got: number; ok: boolean }[] = [];
  for (const s of input.stages) {
    const rows = steadyRows(s, input.rows);
    if (rows.length === 0) continue;
    const want = open ? mean(rows.map((r) => r.users)) : s.users;
    if (open && rows.some((r) => r.launched === undefined)) continue;
    const got = open ? mean(rows.map((r) => r.launched! + r.dropped)) : mean(rows.map((r) => r.users));
    if (want <= 0) continue;
    lines.push({ stage: s.index, want: round(want, 1), got: round(got, 1), ok: Math.abs(got - want) / want <= VALIDITY_TOLERANCE });
  }
  const unit = open ? 'req/s' : 'users';
  const text = (l: (typeof lines)[number]) => `stage ${l.stage + 1}: ${l.got} of ${l.want} ${unit}`;
  if (lines.length === 0) return { check: 'offered-load', ok: null, detail: 'not checked: no steady seconds with the counts it needs' };
  const bad = lines.filter((l) => !l.ok);
  if (bad.length) return { check: 'offered-load', ok: false, detail: `the generator ${open ? 'sent' : 'ran'} more than ${VALIDITY_TOLERANCE * 100}% off what the profile asked: ${bad.map(text).join('; ')}` };
  return { check: 'offered-load', ok: true, detail: `${open ? 'sent' : 'ran'} what the profile asked within ${VALIDITY_TOLERANCE * 100}% on every stage (${lines.map(text).join('; ')})` };
}

export function generatorCheck(g: GeneratorLoad | undefined): ValidityCheck {
  if (!g) return { check: 'generator', ok: null, detail: 'not checked: no saturation samples' };
  if (g.limited?.length) return { check: 'generator', ok: false, detail: `the generator, not the server, was the limit: ${g.limited.map((l) => `stage ${l.stage + 1}: ${l.reason}`).join('; ')}` };
  if (g.saturated) return { check: 'generator', ok: false, detail: `the load generator was saturated: ${g.reason}` };
  return { check: 'generator', ok: true, detail: `the load generator kept up (peak CPU ${g.peakCpuPct ?? '?'}%${g.threads ? ` over ${g.threads} threads` : ''}, event-loop delay p99 ${g.peakEldP99Ms ?? '?'} ms)` };
}

export function timerLagCheck(model: 'closed' | 'open', d: OpenDriveInfo | undefined): ValidityCheck | null {
  if (model !== 'open') return null;
  if (!d) return { check: 'timer-lag', ok: null, detail: 'not checked: the open driver\'s lag was not recorded (older run folder)' };
  const ok = d.maxLagMs <= MAX_LAG_LIMIT_MS;
  return { check: 'timer-lag', ok, detail: `the worst launch was ${d.maxLagMs} ms behind its intended time (limit ${MAX_LAG_LIMIT_MS} ms)${ok ? '' : ': that much of a latency may be the generator\'s'}` };
}

/** Errors the lab could not attribute to the server (kind 'other': e.g. out of file descriptors, a client bug). */
export function labErrorsCheck(errors: ErrorCounts): ValidityCheck {
  if (errors.other > 0) return { check: 'lab-errors', ok: false, detail: `${errors.other} error(s) of kind 'other', raised on the lab's side rather than by the server (see failures.json)` };
  return { check: 'lab-errors', ok: true, detail: 'no error raised on the lab\'s side' };
}

const range = (s: SpreadStats | null) => (s && s.median > 0 ? (s.max - s.min) / s.median : null);

/** With --repeat: do the repeats agree? p95 and req/s range against their median, per stage. */
export function noiseCheck(spread: SpreadTarget): ValidityCheck {
  const bad: string[] = [];
  let judged = 0;
  for (const s of spread.stages) {
    if (s.n < 2) continue;
    judged++;
    const p95 = range(s.p95);
    const rps = range(s.rps);
    if (p95 !== null && p95 > NOISE_P95_RANGE) bad.push(`stage ${s.index + 1} p95 ${s.p95!.min}–${s.p95!.max} ms (${round(p95 * 100, 0)}% of its median)`);
    if (rps !== null && rps > NOISE_RPS_RANGE) bad.push(`stage ${s.index + 1} req/s ${s.rps!.min}–${s.rps!.max} (${round(rps * 100, 0)}% of its median)`);
  }
  if (judged === 0) return { check: 'noise', ok: null, detail: 'not checked: no stage measured by two repeats' };
  if (bad.length) return { check: 'noise', ok: false, detail: `repeats disagree: ${bad.join('; ')}` };
  return { check: 'noise', ok: true, detail: `repeats agree: p95 within ${NOISE_P95_RANGE * 100}% and req/s within ${NOISE_RPS_RANGE * 100}% of their medians on ${judged} stage(s)` };
}

function verdictOf(checks: readonly ValidityCheck[]): RunValidity {
  const why = checks.filter((c) => c.ok === false).map((c) => c.detail);
  return { verdict: why.length ? 'suspect' : 'valid', why };
}

/** Every check of one target run. */
export function checkValidity(input: ValidityInput): TargetValidity {
  const littlesLaw = input.stages.map((s) => littleStage(s, input));
  const lag = timerLagCheck(input.model, input.openDrive);
  const checks = [littlesLawCheck(littlesLaw, input.model === 'open'), offeredLoadCheck(input), generatorCheck(input.generator), ...(lag ? [lag] : []), labErrorsCheck(input.errors)];
  return { ...verdictOf(checks), checks, littlesLaw };
}

/** With --repeat: one target's repeats (in run order) and the spread across them. A check fails if it failed in any repeat. */
export function combineRepeats(runs: readonly TargetValidity[], spread: SpreadTarget | undefined): TargetValidity {
  const checks: ValidityCheck[] = [];
  for (const name of [...new Set(runs.flatMap((r) => r.checks.map((c) => c.check)))]) {
    const per = runs.map((r, i) => ({ repeat: i + 1, c: r.checks.find((c) => c.check === name) })).filter((x) => x.c !== undefined);
    const failed = per.filter((x) => x.c!.ok === false);
    const judged = per.filter((x) => x.c!.ok !== null);
    checks.push(failed.length
      ? { check: name, ok: false, detail: failed.map((x) => `repeat ${x.repeat}: ${x.c!.detail}`).join(' | ') }
      : judged.length ? { check: name, ok: true, detail: `${judged.length} of ${per.length} repeat(s): ${judged[0]!.c!.detail}` } : { ...per[0]!.c! });
  }
  if (spread) checks.push(noiseCheck(spread));
  const littlesLaw = runs.flatMap((r, i) => r.littlesLaw.map((l) => ({ ...l, repeat: i + 1 })));
  return { ...verdictOf(checks), checks, littlesLaw };
}

/** The run's verdict: suspect when any target's is, each reason named by its target. */
export function runValidity(targets: readonly { name: string; validity?: TargetValidity | undefined }[]): RunValidity {
  const why = targets.flatMap((t) => (t.validity?.why ?? []).map((w) => `${t.name}: ${w}`));
  return { verdict: why.length ? 'suspect' : 'valid', why };
}
