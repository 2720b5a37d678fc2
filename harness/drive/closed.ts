import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { ClosedProfile } from '../../profiles/lib/define.ts';
import { mulberry32 } from '../../targets/lib/prng.ts';
import type { Recorder } from '../record/recorder.ts';
import { nextUserChange, taskPicker, usersAt, waitSeconds } from '../analysis/schedule.ts';
import { SendOrder } from '../analysis/order.ts';
import { classifyError } from './classify.ts';
import { driveControl, type DriveControl } from './control.ts';
import { connections, type HttpClient } from './connections.ts';
import type { Sender } from './http.ts';

/**
 * How often the user count is brought in line with the schedule and the in-flight level
 * sampled; during a ramp the loop also wakes when the next user is due.
 */
const CONTROL_TICK_MS = 100;
/**
 * After a connection-level error a user pauses at least this long: with no think time,
 * a dead target would otherwise turn the generator into a busy loop of instant failures.
 */
export const ERROR_BACKOFF_S = 0.05;

export interface DriveClosedOptions {
  origin: string;
  profile: ClosedProfile;
  recorder: Recorder;
  seed: number;
  signal: AbortSignal;
  /** Called about once a second with the elapsed profile time, for progress. */
  onTick?: (t: number) => void;
  /** Longest wait for responses in flight after the profile's end. @default min(timeoutMs, 10 s) */
  drainMs?: number;
  /** The HTTP client: the lab's own (h1.ts) or undici's. @default 'lab' */
  client?: HttpClient;
}

interface VirtualUser {
  stopping: boolean;
}

/** One drive's shared state: its clock, its control (halt, drain, in-flight requests), its connections. */
interface ClosedRun {
  o: DriveClosedOptions;
  /** performance.now() at the profile's start (ms); now() is the profile time in seconds. */
  start: number;
  now: () => number;
  control: DriveControl;
  clients: Set<Sender>;
  /** Every user's requests in one send order: was each answered before those sent after it? */
  order: SendOrder;
}

/**
 * Locust-style closed model: each virtual user owns one keep-alive connection and loops
 * task → response → wait. Users are started and stopped to follow the stage schedule.
 * Resolves when the profile's duration is over (or `signal` aborts) and in-flight requests
 * have settled, within the drain limit.
 */
export async function driveClosed(o: DriveClosedOptions): Promise<void> {
  const start = performance.now();
  const clients = new Set<Sender>();
  const control = driveControl({
    signal: o.signal,
    timeoutMs: o.profile.timeoutMs,
    ...(o.drainMs !== undefined ? { drainMs: o.drainMs } : {}),
    onAbort: () => { for (const c of clients) c.destroy().catch(() => {}); },
  });
  const run: ClosedRun = { o, start, now: () => (performance.now() - start) / 1000, control, clients, order: new SendOrder() };
  const users: VirtualUser[] = [];
  try {
    await followSchedule(run, users);
  } finally {
    for (const vu of users) vu.stopping = true;
    // Responses still in flight are awaited (bounded by the drain limit) so their latency counts.
    await control.finish();
  }
}

/**
 * The control loop: start or stop users to match the schedule, until the profile's end. It wakes
 * every tick and, during a ramp, when the next user is due: on ticks alone a stage's first users
 * (due within a millisecond at a high spawn rate) would wait for the second tick, a tenth of a
 * second with no load at all.
 */
async function followSchedule(run: ClosedRun, users: VirtualUser[]): Promise<void> {
  const { o, control } = run;
  let lastTick = -1;
  let lastSample = -Infinity;
  while (!control.halt.aborted) {
    const t = run.now();
    if (t >= o.profile.duration) break;
    setUserCount(run, users, usersAt(o.profile.stages, t));
    // The in-flight level is sampled once a tick, so a ramp's extra wake-ups do not weigh it.
    const sample = (t - lastSample) * 1000 >= CONTROL_TICK_MS - 1;
    if (sample) lastSample = t;
    o.recorder.users(t, users.length, sample ? control.running : undefined);
    if (Math.floor(t) !== lastTick) {
      lastTick = Math.floor(t);
      o.onTick?.(t);
    }
    const untilEnd = (o.profile.duration - t) * 1000;
    const change = nextUserChange(o.profile.stages, t);
    const untilChange = change === null ? Infinity : (change - t) * 1000;
    await sleep(Math.max(1, Math.min(CONTROL_TICK_MS, untilChange, untilEnd)), undefined, { signal: control.halt }).catch(() => {});
  }
}

/** Start users up to `want`; above it, stop the most recently started first, as Locust does. */
function setUserCount(run: ClosedRun, users: VirtualUser[], want: number): void {
  while (users.length < want) {
    const vu: VirtualUser = { stopping: false };
    run.control.track(userLoop(run, users.length, vu));
    users.push(vu);
  }
  while (users.length > want) users.pop()!.stopping = true;
}

/**
 * One virtual user: its own connection and seeded sequence; task → response → think, until stopped.
 * With no think time the next request is written as soon as the answer is read, and the answer
 * is recorded after that: the recording then overlaps the server's work on the next request
 * instead of lengthening every round trip (at 1–2 users, the round trip is the rate).
 */
async function userLoop(run: ClosedRun, index: number, vu: VirtualUser): Promise<void> {
  const { o, control, order } = run;
  const { profile, recorder } = o;
  const rand = mulberry32(o.seed * 7919 + index);
  const pick = taskPicker(profile.tasks);
  const close = profile.connection === 'close';
  const client = connections(o.origin, 1, profile.timeoutMs, o.client);
  run.clients.add(client);
  let task = pick(rand);
  let seq = order.send();
  let sent = performance.now();
  let pending = control.inFlight.send(client, task.method, task.path, profile.timeoutMs, close);
  let first = true;
  try {
    for (;;) {
      let status = 0;
      let failure: unknown;
      let failed = false;
      try {
        status = await pending;
      } catch (err) {
        failure = err;
        failed = true;
      }
      const answered = performance.now();
      const overtakers = order.settle(seq);
      // Our own Ctrl-C cut this request: it says nothing about the server.
      if (failed && control.interrupted()) break;
      const t = (answered - run.start) / 1000;
      const latencyUs = (answered - sent) * 1000;
      const failedAs = failed ? classifyError(failure) : null;
      const done = task;
      const wasFirst = first;
      first = false;
      let going = !vu.stopping && !control.halt.aborted;
      const pause = going ? pauseAfter(profile, rand, latencyUs / 1e6, failedAs !== null && failedAs.kind !== 'http') : 0;
      if (pause >= profile.duration - t) going = false;
      const now = going && pause === 0;
      if (now) {
        task = pick(rand);
        seq = order.send();
        sent = performance.now();
        pending = control.inFlight.send(client, task.method, task.path, profile.timeoutMs, close);
      }
      if (failedAs) recorder.error(t, failedAs.kind, failedAs.message);
      else if (status >= 200 && status < 300) {
        recorder.ok(t, latencyUs);
        recorder.served(t, index, { overtakers, latencyUs, first: wasFirst });
      } else recorder.error(t, 'http', `HTTP ${status} ${done.method} ${done.path}`);
      if (now) continue;
      if (!going) break;
      await sleep(pause * 1000, undefined, { signal: control.halt }).catch(() => {});
      if (vu.stopping || control.halt.aborted) break;
      task = pick(rand);
      seq = order.send();
      sent = performance.now();
      pending = control.inFlight.send(client, task.method, task.path, profile.timeoutMs, close);
    }
  } finally {
    // Only if the loop broke off with a request still out (a recorder that threw): no unhandled rejection.
    pending.catch(() => {});
    run.clients.delete(client);
    await client.destroy().catch(() => {});
  }
}

/** Think time after a task; a request that got no answer waits at least the error back-off. */
export function pauseAfter(profile: ClosedProfile, rand: () => number, elapsedSeconds: number, noAnswer: boolean): number {
  const pause = waitSeconds(profile.wait, rand, elapsedSeconds);
  return noAnswer ? Math.max(pause, ERROR_BACKOFF_S) : pause;
}
