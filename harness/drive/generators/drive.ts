import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Profile } from '../../../profiles/lib/define.ts';
import type { StageWindow } from '../../analysis/schedule.ts';
import { fromWire, SecondsMerger, servedFromWire } from '../../record/merge.ts';
import type { Recorder } from '../../record/recorder.ts';
import { startThreadSampler, type ThreadSampler } from '../../record/saturation/threads.ts';
import type { GeneratorThreadsFile } from '../../results/format.ts';
import { MAX_DRAIN_MS } from '../control.ts';
import type { OpenDriveStats } from '../open.ts';
import type { FromThread, ThreadSetup, ToThread } from './protocol.ts';

/** Lead time between "go" and the profile's t = 0, so every thread is waiting when it comes. */
const START_LEAD_MS = 100;
/** Beyond the profile, its drain and this, a thread that has not reported is cut (terminate). */
const GRACE_MS = 5000;

export interface DriveThreadsOptions {
  origin: string;
  profile: Profile;
  seed: number;
  signal: AbortSignal;
  /** Generator threads (`--generators`), ≥ 2. */
  generators: number;
  /** The lab's recorder, into which every thread's seconds are merged. */
  recorder: Recorder;
  windows: StageWindow[];
  duration: number;
  expectedIntervalUs: number | null;
  /** The profile's t = 0 (ms since the epoch), once every thread is loaded. */
  onStart(atMs: number): void;
}

export interface ThreadsDriven {
  /** Seconds of profile run (0 if it never started). */
  reached: number;
  /** Open model: the threads' stats added up (lag: the worst). */
  open: OpenDriveStats | null;
  /** Open model: connections the threads opened before the clock, added up (null: closed model). */
  preconnected: number | null;
  file: GeneratorThreadsFile;
  /** A thread that failed, in one line; null when all ran. */
  error: string | null;
}

const epochNow = () => performance.timeOrigin + performance.now();

interface Thread { worker: Worker; tid: number | null; preconnected: number | null; requests: number; done: boolean; startedAt: number | null; open: OpenDriveStats | null; exited: Promise<void> }

/**
 * `--generators N`: the profile driven by N worker threads, each running the real driver on its
 * share (harness/analysis/split.ts) into its own Recorder; their seconds are merged exactly into
 * `o.recorder` as they close (live progress moves once a second). Open model: each thread opens
 * its share of the in-flight cap before it says ready, so t = 0 comes once all are connected.
 * Every thread is terminated before this returns, whatever happened (Ctrl-C, a dead target, a
 * thread that failed).
 */
export async function driveThreads(o: DriveThreadsOptions): Promise<ThreadsDriven> {
  const n = o.generators;
  const merger = new SecondsMerger(o.recorder, n, o.profile.model);
  const threads: Thread[] = [];
  let error: string | null = null;
  let sampler: ThreadSampler | null = null;
  let at = 0;
  const stopAll = () => { for (const t of threads) t.worker.postMessage({ k: 'stop' } satisfies ToThread); };
  try {
    const ready = Array.from({ length: n }, (_, k) => startThread(o, k, threads, merger, (e) => { error ??= e; }));
    await Promise.race([Promise.all(ready), aborted(o.signal)]);
    if (o.signal.aborted || error !== null) return { reached: 0, open: null, preconnected: null, file: fileOf(o, threads, [], 0), error };
    at = epochNow() + START_LEAD_MS;
    for (const t of threads) t.worker.postMessage({ k: 'go', at } satisfies ToThread);
    o.onStart(Math.round(at));
    sampler = startThreadSampler(threads, Math.round(at));
    o.signal.addEventListener('abort', stopAll, { once: true });
    const limit = START_LEAD_MS + o.profile.duration * 1000 + MAX_DRAIN_MS + GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, limit); });
    await Promise.race([Promise.all(threads.map((t) => t.exited)), late]);
    clearTimeout(timer);
    if (threads.some((t) => !t.done)) error ??= `a generator thread did not finish within ${Math.round(limit / 1000)} s; cut`;
    const reached = Math.max(0, (epochNow() - at) / 1000);
    const rows = await sampler.stop();
    sampler = null;
    return { reached, open: sumOpen(threads), preconnected: sumPreconnected(threads), file: fileOf(o, threads, rows, at), error };
  } finally {
    o.signal.removeEventListener('abort', stopAll);
    await sampler?.stop();
    await Promise.all(threads.map((t) => t.worker.terminate().catch(() => 0)));
  }
}

/** Starts thread k; resolves once it has loaded (and, open model, opened its connections) and told its thread id. */
function startThread(o: DriveThreadsOptions, k: number, threads: Thread[], merger: SecondsMerger, fail: (e: string) => void): Promise<void> {
  const setup: ThreadSetup = { k, n: o.generators, origin: o.origin, profile: o.profile, seed: o.seed, windows: o.windows, duration: o.duration, expectedIntervalUs: o.expectedIntervalUs };
  // A worker thread does not get the lab's tsx loader: its .mjs entry registers one.
  const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), { workerData: setup });
  let onExit: () => void = () => {};
  const t: Thread = { worker, tid: null, preconnected: null, requests: 0, done: false, startedAt: null, open: null, exited: new Promise<void>((r) => { onExit = r; }) };
  threads[k] = t;
  const end = () => { if (!t.done) merger.end(k); t.done = true; onExit(); };
  return new Promise<void>((resolve) => {
    worker.on('message', (m: FromThread) => {
      switch (m.k) {
        case 'ready': t.tid = m.tid; t.preconnected = m.preconnected; resolve(); break;
        case 'second': {
          const part = fromWire(m.part);
          t.requests += part.ok + Object.values(part.errors).reduce((a, b) => a + b, 0);
          merger.add(k, part);
          break;
        }
        case 'done':
          o.recorder.absorbServed(servedFromWire(m.served));
          o.recorder.absorbSamples(m.samples);
          t.startedAt = m.startedAt;
          t.open = m.open;
          if (m.error) fail(`generator thread ${k + 1}: ${m.error}`);
          end();
          break;
      }
    });
    worker.on('error', (e) => { fail(`generator thread ${k + 1}: ${e.message}`); end(); resolve(); });
    worker.on('exit', (code) => { if (!t.done && code !== 0) fail(`generator thread ${k + 1} exited (${code})`); end(); resolve(); });
  });
}

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted) resolve();
  signal.addEventListener('abort', () => resolve(), { once: true });
});

function sumPreconnected(threads: readonly Thread[]): number | null {
  const s = threads.map((t) => t.preconnected).filter((x): x is number => x !== null);
  return s.length === 0 ? null : s.reduce((a, b) => a + b, 0);
}

function sumOpen(threads: readonly Thread[]): OpenDriveStats | null {
  const s = threads.map((t) => t.open).filter((x): x is OpenDriveStats => x !== null);
  if (s.length === 0) return null;
  const sum = (f: (x: OpenDriveStats) => number) => s.reduce((a, x) => a + f(x), 0);
  return {
    scheduled: sum((x) => x.scheduled), launched: sum((x) => x.launched), dropped: sum((x) => x.dropped),
    droppedAtCap: sum((x) => x.droppedAtCap), droppedLate: sum((x) => x.droppedLate),
    waited: sum((x) => x.waited), maxWaitMs: Math.max(...s.map((x) => x.maxWaitMs)), maxLagMs: Math.max(...s.map((x) => x.maxLagMs)),
    // Each thread's time at each of its own levels, added up: a thread's level, not the lab's.
    inFlightLevels: Array.from({ length: Math.max(...s.map((x) => x.inFlightLevels.length)) }, (_, k) => sum((x) => x.inFlightLevels[k] ?? 0)),
  };
}

function fileOf(o: DriveThreadsOptions, threads: readonly Thread[], rows: GeneratorThreadsFile['threads'][number]['rows'][], at: number): GeneratorThreadsFile {
  const starts = threads.map((t) => t.startedAt).filter((x): x is number => x !== null);
  const n = o.generators;
  return {
    generators: n,
    split: o.profile.model === 'closed' ? `users k, k+${n}, k+${2 * n}, … to thread k` : `arrivals k, k+${n}, k+${2 * n}, … of the schedule to thread k, in-flight cap ${o.profile.maxInFlight} shared`,
    startSkewMs: starts.length ? Math.round((Math.max(...starts, at) - Math.min(...starts, at)) * 100) / 100 : 0,
    threads: threads.map((t, i) => ({ index: i, requests: t.requests, rows: rows[i] ?? [] })),
  };
}
