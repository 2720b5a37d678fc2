import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { OpenProfile } from '../../profiles/lib/define.ts';
import { mulberry32 } from '../../targets/lib/prng.ts';
import type { Recorder } from '../record/recorder.ts';
import { arrivalSchedule, expectedArrivals, pickTask } from '../analysis/schedule.ts';
import { ArrivalQueue } from './arrivals.ts';
import { classifyError } from './classify.ts';
import { sendRequest } from './http.ts';

/** Longest sleep between wake-ups, so the rate column and progress move even when arrivals are sparse. */
const CONTROL_TICK_S = 0.1;
/** How close to an arrival the driver stops sleeping on a timer and yields turn by turn instead. */
const SPIN_MS = 1.5;
/** Turn-by-turn waiting only while arrivals are ≥ 5 ms apart (≤ 200 req/s): it then costs ≤ ~30% of a core. */
const SPIN_ONLY_BELOW_GAP_S = 0.005;

export interface DriveOpenOptions {
  origin: string;
  profile: OpenProfile;
  recorder: Recorder;
  signal: AbortSignal;
  /** Seeds the task choice when a profile has several tasks. @default 1 */
  seed?: number;
  /** Called about once a second with the elapsed profile time, for progress. */
  onTick?: (t: number) => void;
}

/** What the generator did, for callers that judge a run by more than its latencies (e.g. a knee search). */
export interface OpenDriveStats {
  /** Arrivals the schedule held (launched + dropped, unless interrupted). */
  scheduled: number;
  launched: number;
  /** Arrivals turned away because `maxInFlight` requests were outstanding. */
  dropped: number;
  /**
   * Worst lateness (ms) of a launch behind its intended time. Latency is timed from the
   * intended time, so this much of any latency may be the generator's and not the server's.
   */
  maxLagMs: number;
}

/**
 * Open model (wrk2 -R, k6 ramping-arrival-rate): requests start on the profile's arrival
 * schedule whatever the server does, over a keep-alive pool of `maxInFlight` connections.
 * Latency is timed from each arrival's intended send time, so a stalled server cannot slow
 * the sender and hide its own slowness (no coordinated omission); the time from the actual
 * send is recorded alongside. Resolves when the schedule is over (or `signal` aborts) and
 * in-flight requests have settled (bounded by the profile's timeout).
 */
export async function driveOpen(o: DriveOpenOptions): Promise<OpenDriveStats> {
  const { profile, recorder } = o;
  const start = performance.now();
  const now = () => (performance.now() - start) / 1000;
  const rand = mulberry32((o.seed ?? 1) * 7919);
  const pool = new Pool(o.origin, {
    connections: profile.maxInFlight,
    pipelining: 1,
    headersTimeout: profile.timeoutMs,
    bodyTimeout: profile.timeoutMs,
    connectTimeout: profile.timeoutMs,
  });
  const halt = new AbortController();
  // An outside abort (Ctrl-C) drops in-flight requests at once; the normal end lets them finish.
  const onAbort = () => {
    halt.abort();
    pool.destroy().catch(() => {});
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  // An abort before we started (Ctrl-C during warm-up) fires no event.
  if (o.signal.aborted) onAbort();

  const stats: OpenDriveStats = { scheduled: 0, launched: 0, dropped: 0, maxLagMs: 0 };
  const running = new Set<Promise<void>>();

  const send = async (intended: number) => {
    const task = pickTask(profile.tasks, rand);
    const sentAt = performance.now();
    try {
      const status = await sendRequest(pool, task.method, task.path, profile.timeoutMs);
      const done = performance.now();
      const t = (done - start) / 1000;
      if (status >= 200 && status < 300) recorder.ok(t, (t - intended) * 1e6, (done - sentAt) * 1000);
      else recorder.error(t, 'http', `HTTP ${status} ${task.method} ${task.path}`);
    } catch (err) {
      // Our own abort cut this request: it says nothing about the server.
      if (o.signal.aborted) return;
      const { kind, message } = classifyError(err);
      recorder.error(now(), kind, message);
    }
  };

  const queue = new ArrivalQueue(arrivalSchedule(profile.stages, profile.duration));
  let lastTick = -1;
  let lastLaunch: number | null = null;
  try {
    while (!halt.signal.aborted) {
      const t = now();
      const { launch, dropped } = queue.due(t, profile.maxInFlight - running.size);
      for (const at of dropped) recorder.dropped(at);
      for (const at of launch) {
        const p = send(at);
        running.add(p);
        void p.finally(() => running.delete(p));
      }
      stats.scheduled += launch.length + dropped.length;
      stats.launched += launch.length;
      stats.dropped += dropped.length;
      if (launch.length > 0) lastLaunch = launch[launch.length - 1]!;
      if (launch.length > 0) stats.maxLagMs = Math.max(stats.maxLagMs, (t - launch[0]!) * 1000);
      recorder.users(t, meanRateOfSecond(profile, t));
      if (Math.floor(t) !== lastTick) {
        lastTick = Math.floor(t);
        o.onTick?.(t);
      }
      if (t >= profile.duration) break;
      const wake = Math.min(queue.next ?? profile.duration, t + CONTROL_TICK_S, profile.duration);
      const waitMs = (wake - t) * 1000;
      // Timers fire up to ~1 ms late and that lateness counts as latency. When arrivals are
      // sparse, sleep to just before one and yield turn by turn (setImmediate) until it is due;
      // when they are dense, turning would keep a core busy for the whole run, so timers it is.
      const sparse = queue.next !== null && lastLaunch !== null && queue.next - lastLaunch >= SPIN_ONLY_BELOW_GAP_S;
      if (!sparse || waitMs > SPIN_MS) await sleep(Math.max(0, sparse ? Math.floor(waitMs - SPIN_MS) : waitMs), undefined, { signal: halt.signal }).catch(() => {});
      else await immediate();
    }
  } finally {
    halt.abort();
    await Promise.all(running);
    o.signal.removeEventListener('abort', onAbort);
    await pool.close().catch(() => {});
  }
  return stats;
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
