/**
 * Entry of the live view's chart thread (node:worker_threads, started by chart-thread.ts). It keeps
 * its own LiveState from the run's events, posted one by one, re-reads the run folder itself, and
 * builds the report's charts when asked, so the load generator's event loop never does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRun } from '../results/load.ts';
import { LiveState, type LiveProfile } from './state.ts';
import type { ChartRequest } from './chart-thread.ts';

const port = parentPort!;
const { runDir, profile } = workerData as { runDir: string; profile: LiveProfile };
const state = new LiveState(runDir, profile);
// Reads are chained, so an older read never lands after a newer one.
let reading: Promise<void> = Promise.resolve();
const reload = () => {
  const finished = state.finishedCount;
  reading = reading.then(() => loadRun(runDir).then((run) => state.setBase(run, finished), () => {}));
};
const events = state.events(reload);

port.on('message', (m: ChartRequest) => {
  switch (m.k) {
    case 'start': events.targetStart!({ ...m.e, concurrency: 0 }); break;
    case 'interval': events.interval!({ row: m.row } as Parameters<NonNullable<typeof events.interval>>[0]); break;
    case 'saturation': events.saturation!({ row: m.row } as Parameters<NonNullable<typeof events.saturation>>[0]); break;
    case 'end': events.targetEnd!({} as Parameters<NonNullable<typeof events.targetEnd>>[0]); break;
    case 'reload': reload(); break;
    case 'build': {
      // Events posted before this request are already in the state; the reads they started land first.
      void reading.then(() => {
        const t0 = performance.now();
        const charts = state.status().charts.map((c) => ({ id: c.id, json: JSON.stringify(c) }));
        port.postMessage({ id: m.id, charts, ms: performance.now() - t0 });
      });
      break;
    }
  }
});
