import path from 'node:path';
import type { WorkModel } from '../../targets/lib/define.ts';
import type { FoundTarget } from '../input/discover.ts';
import { assertLoopbackUrl } from '../input/loopback.ts';
import { safeDirName } from '../results/write.ts';
import { concurrencyOf } from '../input/concurrency.ts';
import { startFoundTarget } from '../spawn/start-found.ts';
import { prepareLaunch } from '../input/requires.ts';
import type { StartedTarget } from '../spawn/start-target.ts';

/** What the capacity and knee modes share: which targets, how they are started, where logs go. */
export interface ModeOptions {
  targets: FoundTarget[];
  work: WorkModel;
  seed: number;
  size?: number;
  runDir: string;
  signal: AbortSignal;
  allowRemote?: boolean;
  /** Started and stopped processes, so an emergency exit can kill them synchronously. */
  spawned?(pid: number): void;
  stopped?(pid: number): void;
  /** One line of progress; the modes never print by themselves. */
  log?(line: string): void;
}

export interface TargetInfo { name: string; concurrency: number; size: number }

export const targetInfo = (t: FoundTarget, size: number | undefined): TargetInfo => ({ name: t.definition.name, ...concurrencyOf(t, size) });

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A target not run because something it requires is missing: its row is `skipped`, with the install line, not `failed`. */
export class TargetSkipped extends Error {}

/** The state of a row whose target could not be measured. */
export const notMeasured = (err: unknown, signal: AbortSignal): 'skipped' | 'interrupted' | 'failed' =>
  err instanceof TargetSkipped ? 'skipped' : signal.aborted ? 'interrupted' : 'failed';

/** Start one target (log in RUN_DIR/<target>/target.log), run `fn` against it, always stop it. */
export async function withTarget<T>(o: ModeOptions, t: FoundTarget, fn: (started: StartedTarget, info: TargetInfo) => Promise<T>): Promise<T> {
  const info = targetInfo(t, o.size);
  const launch = await prepareLaunch(t.definition, t.file);
  // A missing requirement is not the server's fault: the row says skipped, with the install line.
  if (launch.skipped !== null) throw new TargetSkipped(`target ${info.name} ${launch.skipped}`);
  const started = await startFoundTarget(t, {
    ...launch,
    name: info.name, work: o.work, seed: o.seed, size: info.size, logFile: path.join(o.runDir, safeDirName(info.name), 'target.log'),
    signal: o.signal, spawned: (pid) => o.spawned?.(pid), stopped: (pid) => o.stopped?.(pid),
  });
  try {
    assertLoopbackUrl(started.url, o.allowRemote ?? false);
    return await fn(started, info);
  } finally {
    await started.stop();
    o.stopped?.(started.pid);
  }
}
