import type { WorkModel } from './define.ts';
import { doWork } from './work.ts';

/** Runs in a piscina thread: the main thread drew `ms`, so the sequence matches single-process targets. */
export default function run(task: { work: WorkModel; ms: number }): void | Promise<void> {
  return doWork(task.work, task.ms);
}

/**
 * Warm-up: each call holds its thread until `parties` calls are in, so when all resolve every
 * thread has loaded (tsx included) and the first measured request pays no thread start-up.
 */
export function barrier(task: { counter: Int32Array; parties: number; timeoutMs: number }): void {
  const { counter, parties } = task;
  const deadline = Date.now() + task.timeoutMs;
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
  for (let seen = Atomics.load(counter, 0); seen < parties; seen = Atomics.load(counter, 0)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`pool warm-up: only ${seen} of ${parties} threads started`);
    Atomics.wait(counter, 0, seen, left);
  }
}
