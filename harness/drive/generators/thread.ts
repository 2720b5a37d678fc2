/**
 * Entry of one `--generators` thread (node:worker_threads, started by generators/drive.ts): it
 * runs the real driver (driveClosed / driveOpen) on its share of the profile, into its own
 * Recorder, and posts each closed second to the lab's thread, which merges them.
 */
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as immediate } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { arrivalSchedule } from '../../analysis/schedule.ts';
import { closedShare, everyNth, globalUser, openShare, shareSeed } from '../../analysis/split.ts';
import { servedToWire, toWire } from '../../record/merge.ts';
import { Recorder } from '../../record/recorder.ts';
import { driveClosed } from '../closed.ts';
import type { H1Pool } from '../h1.ts';
import { driveOpen, type OpenDriveStats } from '../open.ts';
import { preconnectedPool } from '../preconnect.ts';
import type { FromThread, ThreadSetup, ToThread } from './protocol.ts';

const port = parentPort!;
const setup = workerData as ThreadSetup;
const post = (m: FromThread) => port.postMessage(m);
const epochNow = () => performance.timeOrigin + performance.now();

/** Closed model: this thread's users are the run's users k, k+n, …: per-user counts keep the global index. */
class ShareRecorder extends Recorder {
  override served(nowS: number, user: number, order?: Parameters<Recorder['served']>[2]): void {
    super.served(nowS, globalUser(user, setup.k, setup.n), order);
  }
}

function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return null;
  }
}

const halt = new AbortController();
// Open model: this thread's share of the in-flight cap is opened before it says ready, so no
// thread's clock starts while another still connects (harness/drive/preconnect.ts).
const pre = setup.profile.model === 'open'
  ? preconnectedPool({ origin: setup.origin, maxInFlight: openShare(setup.profile, setup.k, setup.n).maxInFlight, timeoutMs: setup.profile.timeoutMs, signal: halt.signal })
  : Promise.resolve(undefined);
port.on('message', (m: ToThread) => {
  if (m.k === 'go') void pre.then((p) => run(m.at, p?.pool));
  else halt.abort();
});
void pre.then((p) => post({ k: 'ready', tid: threadId(), preconnected: p ? p.open : null }));

async function run(at: number, pool: H1Pool | undefined): Promise<void> {
  const { profile, k, n } = setup;
  const recorder = new ShareRecorder({
    windows: setup.windows, duration: setup.duration, expectedIntervalUs: setup.expectedIntervalUs,
    latencyBasis: profile.model === 'open' ? 'intended' : 'sent',
    onSecond: (part) => post({ k: 'second', part: toWire(part) }),
  });
  // Every thread starts on the same instant of the shared clock (timeOrigin differs per thread; their sum does not).
  if (at - epochNow() > 2) await sleep(at - epochNow() - 2, undefined, { signal: halt.signal }).catch(() => {});
  while (epochNow() < at && !halt.signal.aborted) await immediate();
  const startedAt = epochNow();
  let open: OpenDriveStats | null = null;
  let error: string | null = null;
  const seed = shareSeed(setup.seed, k);
  const onTick = (t: number) => { recorder.advance(t); };
  try {
    if (profile.model === 'closed') await driveClosed({ origin: setup.origin, profile: closedShare(profile, k, n), recorder, seed, signal: halt.signal, onTick });
    else open = await driveOpen({ origin: setup.origin, profile: openShare(profile, k, n), recorder, seed, signal: halt.signal, onTick, arrivals: everyNth(arrivalSchedule(profile.stages, profile.duration), k, n), ...(pool ? { pool } : {}) });
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const result = halt.signal.aborted ? recorder.finish((epochNow() - startedAt) / 1000) : recorder.finish();
  post({ k: 'done', startedAt, served: servedToWire(recorder.servedState()), samples: result.samples, open, error });
}
