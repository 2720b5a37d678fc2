import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkModel } from './define.ts';

// One cell nobody ever notifies: Atomics.wait on it just parks the thread for the timeout.
const parked = new Int32Array(new SharedArrayBuffer(4));

/** What each model does with a request's service time, as implemented below; the run's manifest records it. */
export const WORK_DESCRIPTIONS: Record<WorkModel, string> = {
  block: 'Atomics.wait for the service time: the thread is held and uses no CPU (a synchronous server\'s sleep)',
  sleep: 'an awaited timer: the event loop is free to serve other requests meanwhile (waiting on a database)',
  cpu: 'a busy loop until the service time has passed on the clock (wall time, not CPU time): a descheduled thread still finishes on time',
};

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
