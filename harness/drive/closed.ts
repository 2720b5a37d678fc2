import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import type { ClosedProfile } from '../../profiles/lib/define.ts';
import { mulberry32 } from '../../targets/lib/prng.ts';
import type { Recorder } from '../record/recorder.ts';
import { pickTask, usersAt, waitSeconds } from '../analysis/schedule.ts';
import { classifyError } from './classify.ts';
import { sendRequest } from './http.ts';

/** How often the user count is brought in line with the schedule. */
const CONTROL_TICK_MS = 100;
/**
 * After a connection-level error a user pauses at least this long: with no think time,
 * a dead target would otherwise turn the generator into a busy loop of instant failures.
 */
const ERROR_BACKOFF_S = 0.05;

export interface DriveClosedOptions {
  origin: string;
  profile: ClosedProfile;
  recorder: Recorder;
  seed: number;
  signal: AbortSignal;
  /** Called about once a second with the elapsed profile time, for progress. */
  onTick?: (t: number) => void;
}

interface VirtualUser {
  stopping: boolean;
  done: Promise<void>;
}

/**
 * Locust-style closed model: each virtual user owns one keep-alive connection and loops
 * task → response → wait. Users are started and stopped to follow the stage schedule.
 * Resolves when the profile's duration is over (or `signal` aborts) and in-flight requests have settled.
 */
export async function driveClosed(o: DriveClosedOptions): Promise<void> {
  const { profile, recorder } = o;
  const start = performance.now();
  const now = () => (performance.now() - start) / 1000;
  const users: VirtualUser[] = [];
  const running = new Set<Promise<void>>();
  const clients = new Set<Client>();
  const halt = new AbortController();
  // Every sleeping user listens on `halt`: hundreds of listeners are expected, not a leak.
  setMaxListeners(0, halt.signal);
  // An outside abort (Ctrl-C) drops in-flight requests at once; the normal end lets them finish.
  const onAbort = () => {
    halt.abort();
    for (const c of clients) c.destroy().catch(() => {});
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  // An abort before we started (Ctrl-C during warm-up) fires no event.
  if (o.signal.aborted) onAbort();

  const runUser = async (index: number, vu: VirtualUser) => {
    const rand = mulberry32(o.seed * 7919 + index);
    const client = new Client(o.origin, {
      pipelining: 1,
      headersTimeout: profile.timeoutMs,
      bodyTimeout: profile.timeoutMs,
      connectTimeout: profile.timeoutMs,
    });
    clients.add(client);
    try {
      while (!vu.stopping && !halt.signal.aborted) {
        const task = pickTask(profile.tasks, rand);
        const sent = performance.now();
        let failedToConnect = false;
        try {
          const status = await sendRequest(client, task.method, task.path, profile.timeoutMs);
          const t = now();
          if (status >= 200 && status < 300) recorder.ok(t, (performance.now() - sent) * 1000);
          else recorder.error(t, 'http', `HTTP ${status} ${task.method} ${task.path}`);
        } catch (err) {
          // Our own Ctrl-C cut this request: it says nothing about the server.
          if (o.signal.aborted) break;
          const { kind, message } = classifyError(err);
          recorder.error(now(), kind, message);
          failedToConnect = kind !== 'http';
        }
        if (vu.stopping || halt.signal.aborted) break;
        let pause = waitSeconds(profile.wait, rand, (performance.now() - sent) / 1000);
        if (failedToConnect) pause = Math.max(pause, ERROR_BACKOFF_S);
        const left = profile.duration - now();
        if (pause >= left) break;
        if (pause > 0) await sleep(pause * 1000, undefined, { signal: halt.signal }).catch(() => {});
      }
    } finally {
      clients.delete(client);
      await client.destroy().catch(() => {});
    }
  };

  let lastTick = -1;
  try {
    while (!halt.signal.aborted) {
      const t = now();
      if (t >= profile.duration) break;
      const want = usersAt(profile.stages, t);
      while (users.length < want) {
        const vu: VirtualUser = { stopping: false, done: Promise.resolve() };
        vu.done = runUser(users.length, vu);
        running.add(vu.done);
        void vu.done.finally(() => running.delete(vu.done));
        users.push(vu);
      }
      // Locust stops the most recently started users first.
      while (users.length > want) users.pop()!.stopping = true;
      recorder.users(t, users.length);
      if (Math.floor(t) !== lastTick) {
        lastTick = Math.floor(t);
        o.onTick?.(t);
      }
      const untilEnd = (profile.duration - t) * 1000;
      await sleep(Math.min(CONTROL_TICK_MS, Math.max(1, untilEnd)), undefined, { signal: halt.signal }).catch(() => {});
    }
  } finally {
    for (const vu of users) vu.stopping = true;
    // Responses still in flight are awaited (bounded by the request timeout) so their latency counts.
    halt.abort();
    await Promise.all(running);
    o.signal.removeEventListener('abort', onAbort);
  }
}
