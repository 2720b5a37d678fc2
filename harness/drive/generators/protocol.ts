import type { Profile } from '../../../profiles/lib/define.ts';
import type { ErrorKind } from '../../results/format.ts';
import type { StageWindow } from '../../analysis/schedule.ts';
import type { WireSecond, WireServed } from '../../record/merge.ts';
import type { OpenDriveStats } from '../open.ts';

/** What a generator thread is started with (workerData). */
export interface ThreadSetup {
  /** This thread's index k, of n. */
  k: number;
  n: number;
  origin: string;
  /** The whole profile: each thread takes its share of it (harness/analysis/split.ts). */
  profile: Profile;
  seed: number;
  /** The run's stage windows and recorder settings, so every thread's seconds line up with the lab's. */
  windows: StageWindow[];
  duration: number;
  expectedIntervalUs: number | null;
}

/** Lab → thread. `go.at`: the profile's t = 0, as performance.timeOrigin + performance.now() (ms since the epoch). */
export type ToThread = { k: 'go'; at: number } | { k: 'stop' };

/**
 * Thread → lab. `tid`: the thread's /proc/self/task id (its CPU clock), null off Linux.
 * `preconnected`: open model, the connections it opened before `ready` (null: closed model).
 */
export type FromThread =
  | { k: 'ready'; tid: number | null; preconnected: number | null }
  | { k: 'second'; part: WireSecond }
  | { k: 'done'; startedAt: number; served: WireServed; samples: Partial<Record<ErrorKind, string[]>>; open: OpenDriveStats | null; error: string | null };
