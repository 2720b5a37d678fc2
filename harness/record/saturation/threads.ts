import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { GeneratorThreadRow } from '../../results/format.ts';
import { round1 } from './compute.ts';

/** Linux's clock tick (USER_HZ): /proc's utime and stime count in hundredths of a second. */
const TICK_MS = 10;

/** CPU time (ms) one thread of this process has used, from /proc/self/task/<tid>/stat; null off Linux. */
export function threadCpuMs(tid: number | null): number | null {
  if (tid === null) return null;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return null;
  }
}

export interface ThreadSampler {
  /** Stop and hand back each thread's rows (one per second since `startedAt`). */
  stop(): Promise<GeneratorThreadRow[][]>;
}

/**
 * Once a second, each generator thread's event-loop utilisation (busy share of its loop, read from
 * this thread: worker.performance) and CPU (its own clock in /proc). A thread whose loop is busy
 * all the time cannot send or read on time: what it measures then is partly its own queue.
 */
export function startThreadSampler(threads: readonly { worker: Worker; tid: number | null }[], startedAt: number): ThreadSampler {
  const rows: GeneratorThreadRow[][] = threads.map(() => []);
  const halt = new AbortController();
  let prev = threads.map((t) => ({ elu: t.worker.performance.eventLoopUtilization(), cpuMs: threadCpuMs(t.tid), atMs: Date.now() }));
  const loop = (async () => {
    for (let k = 1; !halt.signal.aborted;) {
      await sleep(Math.max(0, startedAt + k * 1000 - Date.now()), undefined, { signal: halt.signal }).catch(() => {});
      if (halt.signal.aborted) break;
      prev = threads.map((t, i) => {
        const p = prev[i]!;
        const now = { elu: t.worker.performance.eventLoopUtilization(), cpuMs: threadCpuMs(t.tid), atMs: Date.now() };
        const elu: EventLoopUtilization = t.worker.performance.eventLoopUtilization(now.elu, p.elu);
        const wall = now.atMs - p.atMs;
        const cpuPct = now.cpuMs === null || p.cpuMs === null || wall <= 0 ? null : round1(((now.cpuMs - p.cpuMs) / wall) * 100);
        rows[i]!.push({ t: k - 1, elu: Math.round(elu.utilization * 1000) / 1000, cpuPct });
        return now;
      });
      k = Math.max(k + 1, Math.floor((Date.now() - startedAt) / 1000));
    }
  })();
  return {
    async stop() {
      halt.abort();
      await loop;
      return rows;
    },
  };
}
