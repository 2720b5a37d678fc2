import type { WorkModel } from '../../targets/lib/define.ts';
import type { FoundTarget } from '../input/discover.ts';
import { startTarget, type StartedTarget } from './start-target.ts';

export interface StartFoundOptions {
  /** The name the run uses for it (its results folder's name). */
  name: string;
  work: WorkModel;
  seed: number;
  size: number;
  /** stdout and stderr go here. */
  logFile: string;
  signal: AbortSignal;
  /** Started and stopped processes, so an emergency exit can kill them synchronously. */
  spawned?(pid: number): void;
  stopped?(pid: number): void;
}

/** Start a target the lab found (targets/*.ts or a --targets file) with its own env and ready timeout; every run mode starts targets here. */
export async function startFoundTarget(t: FoundTarget, o: StartFoundOptions): Promise<StartedTarget> {
  try {
    return await startTarget({
      file: t.file,
      name: o.name,
      work: o.work,
      seed: o.seed,
      size: o.size,
      env: t.definition.env,
      readyTimeoutMs: (t.definition.readyTimeoutSeconds ?? 15) * 1000,
      logFile: o.logFile,
      onSpawn: (pid) => o.spawned?.(pid),
      signal: o.signal,
    });
  } catch (err) {
    // A target that started and then failed to become ready was stopped by startTarget.
    const pid = (err as { pid?: unknown }).pid;
    if (typeof pid === 'number') o.stopped?.(pid);
    throw err;
  }
}
