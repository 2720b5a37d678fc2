import { Worker } from 'node:worker_threads';
import type { LabEvents } from '../run/lab.ts';
import type { IntervalRow, SaturationRow } from '../results/format.ts';
import type { LiveProfile } from './state.ts';
import type { BuiltChart } from './chart-delta.ts';

/** What the lab's thread posts to the chart thread: each event once, as it happens (never the history). */
export type ChartRequest =
  | { k: 'start'; e: { index: number; count: number; name: string } }
  | { k: 'interval'; row: IntervalRow }
  | { k: 'saturation'; row: SaturationRow }
  | { k: 'end' }
  | { k: 'reload' }
  | { k: 'build'; id: number };

interface ChartReply { id: number; charts: BuiltChart[]; ms: number }

export interface ChartThread {
  /** Feeds the thread; add to the run's events. */
  events: LabEvents;
  /** Re-read the run folder (in the thread) before the next build. */
  reload(): void;
  /** The charts of the run so far, each as the JSON of a LiveChart, and the thread's time building them. */
  build(): Promise<{ charts: BuiltChart[]; ms: number }>;
  close(): Promise<void>;
}

/**
 * The live charts are built in a worker thread (chart-worker.ts): a build takes up to ~100 ms on
 * long runs, which on the lab's own thread would stall the load generator. This thread only posts
 * each event (one row) and receives the charts as JSON strings, one per chart.
 */
export function startChartThread(o: { runDir: string; profile: LiveProfile }): ChartThread {
  // A worker thread does not get the lab's tsx loader: its .mjs entry registers one.
  const worker = new Worker(new URL('./chart-worker-boot.mjs', import.meta.url), { workerData: o });
  worker.unref();
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: ChartReply) => void; reject: (e: Error) => void }>();
  let failed: Error | null = null;
  const fail = (e: Error) => {
    failed ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('message', (r: ChartReply) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    p?.resolve(r);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`live chart thread exited (${code})`)));
  const post = (m: ChartRequest) => { if (!failed) worker.postMessage(m); };
  return {
    events: {
      targetStart: ({ index, count, name }) => post({ k: 'start', e: { index, count, name } }),
      interval: ({ row }) => post({ k: 'interval', row }),
      saturation: ({ row }) => post({ k: 'saturation', row }),
      targetEnd: () => post({ k: 'end' }),
    },
    reload: () => post({ k: 'reload' }),
    build() {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ k: 'build', id } satisfies ChartRequest);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
