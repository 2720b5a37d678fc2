import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { OpenProfile } from '../../profiles/lib/define.ts';
import { mulberry32 } from '../../targets/lib/prng.ts';
import type { Recorder } from '../record/recorder.ts';
import { arrivalSchedule, expectedArrivals, pickTask } from '../analysis/schedule.ts';
import { ArrivalQueue } from './arrivals.ts';
import { classifyError } from './classify.ts';
import { driveControl, type DriveControl } from './control.ts';
import { connections, type HttpClient } from './connections.ts';
import type { Sender } from './http.ts';

/** Longest sleep between wake-ups, so the rate column and progress move even when arrivals are sparse. */
const CONTROL_TICK_S = 0.1;
/** How close to an arrival the driver stops sleeping on a timer and yields turn by turn instead. */
const SPIN_MS = 1.5;
/** Turn-by-turn waiting only while arrivals are ≥ 5 ms apart (≤ 200 req/s): it then costs ≤ ~30% of a core. */
const SPIN_ONLY_BELOW_GAP_S = 0.005;
/** Arrivals this close together (≥ 2,000 req/s) are launched turn by turn, not by timer. */
const DENSE_GAP_S = 0.0005;
/** Longest dense wait for an answer to launch on before the loop looks again itself. */
const DENSE_BACKSTOP_MS = 1;
/**
 * A dropped arrival the loop first reached later than this after its time (it had not looked at
 * the schedule since the arrival came due) counts as the generator's lag, not the cap's: the
 * backstop's 1 ms plus a timer's usual lateness.
 */
export const LATE_DROP_MS = 2;
/**
 * How long past its intended time an arrival that finds all `maxInFlight` slots busy waits for
 * one (first come, first sent) before it is dropped; at most the profile's timeoutMs. A stall of
 * the generator, the server or the machine, and the burst after it, then costs latency (timed
 * from the intended time, as wrk2 does) instead of drops. Measured (bench/README.md, figure 2):
 * no wait dropped 2–6 % at the cap and some by the generator's own lag at 50,000 req/s; 5 and
 * 20 ms dropped none by its lag but 3 % at the cap near capacity; 100 ms served 99.5–99.7 % of
 * 0.9× autocannon's rate (p99 50–100 ms); 10 s (as long as a request may take) kept every slot
 * busy behind the first stall, p50 1.7–2.1 s. A drop is thus a server that held every slot for
 * 100 ms: a broken step for any latency objective the lab's knee search would hold it to.
 */
export const MAX_WAIT_MS = 100;

export interface DriveOpenOptions {
  origin: string;
  profile: OpenProfile;
  recorder: Recorder;
  signal: AbortSignal;
  /** Seeds the task choice when a profile has several tasks. @default 1 */
  seed?: number;
  /** Called about once a second with the elapsed profile time, for progress. */
  onTick?: (t: number) => void;
  /** Longest wait for responses in flight after the schedule's end. @default min(timeoutMs, 10 s) */
  drainMs?: number;
  /** The HTTP client: the lab's own (h1.ts) or undici's. @default 'lab' */
  client?: HttpClient;
  /** Intended send times to follow. @default the profile's whole schedule (`--generators` gives each thread its share) */
  arrivals?: Iterator<number>;
  /**
   * Connections opened beforehand (e.g. an H1Pool after `preconnect`, as a knee step does), at
   * most `maxInFlight` of them; closed by the drive as its own. @default a new pool of `client`'s
   */
  pool?: Sender;
}

/** What the generator did, for callers that judge a run by more than its latencies (e.g. a knee search). */
export interface OpenDriveStats {
  /** Arrivals the schedule held (launched + dropped, unless interrupted). */
  scheduled: number;
  launched: number;
  /**
   * Arrivals never sent (droppedAtCap + droppedLate): all `maxInFlight` slots stayed busy for
   * MAX_WAIT_MS past their time, or the schedule ended while they waited for a slot.
   */
  dropped: number;
  /** Of those, arrivals the loop had already seen waiting for a slot (or saw within LATE_DROP_MS of their time): the server held every slot. */
  droppedAtCap: number;
  /**
   * Of those, arrivals the loop first reached more than LATE_DROP_MS after their time, not
   * having looked since they came due: the generator was away longer than the wait allows, and
   * answers it had not read may have freed a slot — its own fault, not the server's.
   */
  droppedLate: number;
  /** Arrivals that found every slot busy, waited for one and were then sent (latency still timed from their intended time). */
  waited: number;
  /** Worst lateness (ms) of such an arrival when sent: its wait for a slot (the server's) plus any lag of the generator. */
  maxWaitMs: number;
  /**
   * Worst lateness (ms) of a launch behind its intended time, or behind the last moment the loop
   * saw it waiting for a slot (the wait for a slot is the server's and is in maxWaitMs). Latency is
   * timed from the intended time, so this much of any latency may be the generator's, not the server's.
   */
  maxLagMs: number;
  /** Seconds spent with k requests in flight, at index k (0 … maxInFlight). */
  inFlightLevels: number[];
}

/** One drive's shared state: its clock, task choice, control (halt, drain, in-flight requests) and stats. */
interface OpenRun {
  o: DriveOpenOptions;
  start: number;
  now: () => number;
  rand: () => number;
  pool: Sender;
  control: DriveControl;
  stats: OpenDriveStats;
  queue: ArrivalQueue;
  /** Intended time of the last arrival launched. */
  lastLaunch: number | null;
  /** The previous look at the queue (launchDue's time): a drop due after it was first reached now. */
  prevLook: number;
  /** The last look that left a due arrival waiting for a slot: waiting since then is the cap's, not the generator's lag. */
  blockedAt: number;
  /** The send loop sleeps while arrivals wait for a slot: an answer that launches the last of them wakes it. */
  slotWait: boolean;
  /** MAX_WAIT_MS, at most the profile's timeoutMs, in seconds. */
  maxWaitS: number;
  /** Dense arrivals with requests in flight: each response launches what has come due since. */
  launchOnAnswer: boolean;
  /** Ends the send loop's dense wait early: the last answer left nothing in flight to launch on. */
  wake: (() => void) | null;
  /** The current launchDue call: its time, how many it launched, the first one's intended time. */
  turnT: number;
  turnLaunched: number;
  turnFirst: number;
  /** When the in-flight level last changed (performance.now() ms). */
  levelSince: number;
  /** launchDue's callbacks for ArrivalQueue.take, made once per drive. */
  hasRoom: () => boolean;
  launchOne: (at: number) => void;
  dropOne: (at: number) => void;
}

/**
 * Open model (wrk2 -R, k6 ramping-arrival-rate): requests start on the profile's arrival
 * schedule whatever the server does, over a keep-alive pool of `maxInFlight` connections. An
 * arrival that finds them all busy waits for one, first come first sent, up to MAX_WAIT_MS past
 * its time, and is then dropped (counted, never sent).
 * Latency is timed from each arrival's intended send time, so a stalled server cannot slow
 * the sender and hide its own slowness (no coordinated omission); the time from the actual
 * send is recorded alongside. Resolves when the schedule is over (or `signal` aborts) and
 * in-flight requests have settled, within the drain limit.
 */
export async function driveOpen(o: DriveOpenOptions): Promise<OpenDriveStats> {
  const { profile } = o;
  const pool = o.pool ?? connections(o.origin, profile.maxInFlight, profile.timeoutMs, o.client);
  const start = performance.now();
  const control = driveControl({
    signal: o.signal,
    timeoutMs: profile.timeoutMs,
    ...(o.drainMs !== undefined ? { drainMs: o.drainMs } : {}),
    onAbort: () => { pool.destroy().catch(() => {}); },
  });
  const run: OpenRun = {
    o, start, now: () => (performance.now() - start) / 1000, rand: mulberry32((o.seed ?? 1) * 7919), pool, control,
    stats: { scheduled: 0, launched: 0, dropped: 0, droppedAtCap: 0, droppedLate: 0, waited: 0, maxWaitMs: 0, maxLagMs: 0, inFlightLevels: new Array<number>(profile.maxInFlight + 1).fill(0) },
    queue: new ArrivalQueue(o.arrivals ?? arrivalSchedule(profile.stages, profile.duration)), lastLaunch: null, prevLook: -Infinity, blockedAt: -Infinity, slotWait: false, maxWaitS: Math.min(MAX_WAIT_MS, profile.timeoutMs) / 1000, launchOnAnswer: false, wake: null,
    turnT: 0, turnLaunched: 0, turnFirst: 0, levelSince: start,
    hasRoom: () => control.running < profile.maxInFlight,
    launchOne: (at) => {
      if (run.turnLaunched++ === 0) run.turnFirst = at;
      run.lastLaunch = at;
      if (at <= run.blockedAt) {
        run.stats.waited++;
        run.stats.maxWaitMs = Math.max(run.stats.maxWaitMs, (run.turnT - at) * 1000);
      }
      send(run, at);
    },
    dropOne: (at) => {
      const late = run.prevLook < at && (run.turnT - at) * 1000 > LATE_DROP_MS;
      o.recorder.dropped(at, late ? 'late' : 'cap');
      run.stats.dropped++;
      if (late) run.stats.droppedLate++;
      else run.stats.droppedAtCap++;
    },
  };
  try {
    await followArrivals(run);
  } finally {
    await control.finish();
    await pool.close().catch(() => {});
  }
  return run.stats;
}

/** The send loop: launch (or drop) what is due, then wait for the next arrival, until the schedule's end. */
async function followArrivals(run: OpenRun): Promise<void> {
  const { o, control } = run;
  let lastTick = -1;
  while (!control.halt.aborted) {
    const t = run.now();
    launchDue(run, t, t - run.maxWaitS);
    if (Math.floor(t) !== lastTick) {
      lastTick = Math.floor(t);
      o.recorder.users(t, meanRateOfSecond(o.profile, t));
      o.onTick?.(t);
    }
    if (t >= o.profile.duration) {
      // The schedule is over: what still waits for a slot is dropped (launched if one is free).
      while (run.queue.next !== null && !control.halt.aborted) launchDue(run, t, Infinity);
      break;
    }
    await waitForNext(run, t);
  }
}

/**
 * Launch every arrival due by `t` while there is a slot, and drop those with none that are due
 * before `dropBefore`; the rest wait (a bounded batch per turn). Called on each answer at high
 * rates, so it allocates nothing per call (the callbacks are made once per drive).
 */
function launchDue(run: OpenRun, t: number, dropBefore: number): void {
  const { stats } = run;
  run.turnT = t;
  run.turnLaunched = 0;
  stats.scheduled += run.queue.take(t, run.hasRoom, run.launchOne, run.dropOne, dropBefore);
  const launched = run.turnLaunched;
  if (launched > 0) {
    run.o.recorder.launched(t, launched);
    stats.launched += launched;
    stats.maxLagMs = Math.max(stats.maxLagMs, (t - Math.max(run.turnFirst, run.blockedAt)) * 1000);
  }
  if (run.queue.dueBy(t) && !run.hasRoom()) run.blockedAt = t;
  run.prevLook = t;
}

/**
 * Timers fire up to ~1 ms late and that lateness counts as latency. Arrivals waiting for a slot:
 * each answer launches the oldest, and the loop wakes when the oldest has waited MAX_WAIT_MS
 * (after reading that turn's answers) or when none waits any more. Sparse arrivals: sleep to
 * just before one and yield turn by turn (setImmediate) until it is due. Dense arrivals (at
 * least one per DENSE_GAP_S): a timer would wake a whole batch late. So with requests in
 * flight, each answer launches what has come due since (answers come often at such rates, and
 * cost no extra wake-up), with a 1 ms timer as backstop; with none in flight, the loop catches
 * up turn by turn. In between, timers. Either way each turn goes back to the event loop, so
 * signals and responses are always served.
 */
async function waitForNext(run: OpenRun, t: number): Promise<void> {
  const { duration } = run.o.profile;
  const next = run.queue.next;
  if (next !== null && next <= t) {
    // Arrivals wait for a slot (or a turn's batch limit stopped them): answers launch them as
    // they free slots; the loop wakes to drop the oldest once it has waited MAX_WAIT_MS.
    if (run.hasRoom()) return immediate().then(() => {});
    run.slotWait = true;
    await answerOrTimer(run, Math.min(CONTROL_TICK_S * 1000, Math.max(DENSE_BACKSTOP_MS, (next + run.maxWaitS - t) * 1000)));
    run.slotWait = false;
    return;
  }
  const wake = Math.min(next ?? duration, t + CONTROL_TICK_S, duration);
  const waitMs = (wake - t) * 1000;
  const gap = next !== null && run.lastLaunch !== null ? next - run.lastLaunch : null;
  if (gap !== null && gap <= DENSE_GAP_S && waitMs <= SPIN_MS) {
    if (run.control.running === 0) return immediate().then(() => {});
    return answerOrTimer(run, DENSE_BACKSTOP_MS);
  }
  const sparse = gap !== null && gap >= SPIN_ONLY_BELOW_GAP_S;
  if (!sparse || waitMs > SPIN_MS) await sleep(Math.max(0, sparse ? Math.floor(waitMs - SPIN_MS) : waitMs), undefined, { signal: run.control.halt }).catch(() => {});
  else await immediate();
}

/**
 * Let answers launch what comes due until `ms` have passed or an answer wakes the loop (nothing
 * left in flight, or nothing left waiting for a slot).
 */
async function answerOrTimer(run: OpenRun, ms: number): Promise<void> {
  run.launchOnAnswer = true;
  let timer: NodeJS.Timeout | undefined;
  const byTimer = await new Promise<boolean>((resolve) => {
    run.wake = () => resolve(false);
    timer = setTimeout(() => resolve(true), ms);
  });
  clearTimeout(timer);
  run.wake = null;
  // The timer fired in the timers phase, before this turn's answers are read (poll phase):
  // deciding drops now would find slots still taken by answers already in the socket and drop
  // arrivals the server had room for. Read them first; each launches what came due.
  if (byTimer) await immediate();
  run.launchOnAnswer = false;
}

/**
 * One arrival: send its task and record latency from its intended time, or its error. Counted,
 * not tracked by a promise of its own: at tens of thousands of arrivals a second, each promise counts.
 */
function send(run: OpenRun, intended: number): void {
  const { o, control } = run;
  const task = pickTask(o.profile.tasks, run.rand);
  const sentAt = performance.now();
  atLevel(run, sentAt);
  control.begin();
  control.inFlight.send(run.pool, task.method, task.path, o.profile.timeoutMs, o.profile.connection === 'close').then(
    (status) => {
      const done = performance.now();
      const t = (done - run.start) / 1000;
      try {
        if (status >= 200 && status < 300) o.recorder.ok(t, (t - intended) * 1e6, (done - sentAt) * 1000);
        else o.recorder.error(t, 'http', `HTTP ${status} ${task.method} ${task.path}`);
      } finally {
        atLevel(run, done);
        control.end();
      }
      if (run.launchOnAnswer && !control.halt.aborted) {
        // Never drops: answers still unread in this poll phase may free slots for what waits.
        launchDue(run, t, -Infinity);
        if (control.running === 0 || (run.slotWait && !run.queue.dueBy(t))) run.wake?.();
      }
    },
    (err: unknown) => {
      try {
        // Our own abort cut this request: it says nothing about the server.
        if (control.interrupted()) return;
        const { kind, message } = classifyError(err);
        o.recorder.error(run.now(), kind, message);
      } finally {
        atLevel(run, performance.now());
        control.end();
      }
    },
  );
}

/** The in-flight level is about to change at `nowMs`: credit the time spent at the current one. */
function atLevel(run: OpenRun, nowMs: number): void {
  const levels = run.stats.inFlightLevels;
  levels[run.control.running]! += (nowMs - run.levelSince) / 1000;
  run.levelSince = nowMs;
}

/** Arrivals scheduled in [from, to) per second, to 0.1 req/s: what that span offered. */
export function meanScheduledRate(profile: OpenProfile, from: number, to: number): number {
  const end = Math.min(to, profile.duration);
  const rate = end > from ? expectedArrivals(profile.stages, profile.duration, from, end) / (end - from) : 0;
  return Math.round(rate * 10) / 10;
}

/** A row's `users`: the mean rate over its second (a rate sampled at the last wake-up would lag a ramp). */
function meanRateOfSecond(profile: OpenProfile, t: number): number {
  const from = Math.min(Math.floor(t), Math.ceil(profile.duration) - 1);
  return meanScheduledRate(profile, from, from + 1);
}
