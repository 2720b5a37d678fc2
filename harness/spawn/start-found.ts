import type { WorkModel } from '../../targets/lib/define.ts';
import type { FoundTarget } from '../input/discover.ts';
import { startTarget, type StartedTarget, type StartTargetOptions } from './start-target.ts';

export interface StartFoundOptions {
  /** The name the run uses for it (its results folder's name). */
  name: string;
  work: WorkModel;
  seed: number;
  size: number;
  /** stdout and stderr go here. */
  logFile: string;
  signal: AbortSignal;
  /** A command target's argv, folder, interpreter and ready path (harness/input/requires.ts prepareLaunch); absent for a Node target. */
  command?: StartTargetOptions['command'];
  cwd?: string;
  python?: string | null;
  readyPath?: string;
  /** Started and stopped processes, so an emergency exit can kill them synchronously. */
  spawned?(pid: number): void;
  stopped?(pid: number): void;
}

/** Start a target the lab found (targets/*.ts or a --targets file) with its own env and ready timeout; every run mode starts targets here. */
export async function startFoundTarget(t: FoundTarget, o: StartFoundOptions): Promise<StartedTarget> {
  try {
    return await startTarget({
      ...(o.command ? { command: o.command, cwd: o.cwd, python: o.python ?? null, readyPath: o.readyPath } : {}),
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
