import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkModel } from './define.ts';

// One cell nobody ever notifies: Atomics.wait on it just parks the thread for the timeout.
const parked = new Int32Array(new SharedArrayBuffer(4));

/** Spend `ms` of a request the way `model` says (see WorkModel). */
export function doWork(model: WorkModel, ms: number): void | Promise<void> {
  switch (model) {
    case 'block':
      Atomics.wait(parked, 0, 0, ms);
      return;
    case 'sleep':
      return sleep(ms);
    case 'cpu': {
      const end = performance.now() + ms;
      while (performance.now() < end) { /* burn */ }
      return;
    }
  }
}
