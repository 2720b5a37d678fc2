import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startThreadSampler, threadCpuMs } from '../../../../harness/record/saturation/threads.ts';

// A thread that tells its id, then keeps its event loop busy for `ms` (or idles, when ms = 0) and exits.
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
parentPort.postMessage(Number(readlinkSync('/proc/thread-self').split('/').at(-1)));
parentPort.once('message', () => {
  const end = Date.now() + workerData.ms;
  if (workerData.ms > 0) while (Date.now() < end) {}
  else setTimeout(() => {}, 2500);
});`;

async function thread(ms: number) {
  const worker = new Worker(SOURCE, { eval: true, workerData: { ms } });
  const [tid] = (await once(worker, 'message')) as [number];
  return { worker, tid };
}

describe('startThreadSampler: each generator thread\'s load, once a second', () => {
  it('reads a busy thread as saturated (event loop ≈ 100% busy) and an idle one as idle', async () => {
    const [busy, idle] = [await thread(2600), await thread(0)];
    try {
      const start = Date.now();
      const sampler = startThreadSampler([busy, idle], start);
      busy.worker.postMessage('go');
      idle.worker.postMessage('go');
      await new Promise((r) => setTimeout(r, 2300));
      const [b, i] = await sampler.stop();
      expect(b!.length).toBeGreaterThanOrEqual(2);
      expect(b!.every((r) => r.elu !== null && r.elu >= 0.9)).toBe(true);
      expect(i!.every((r) => r.elu !== null && r.elu < 0.2)).toBe(true);
      // CPU from the thread's own clock: the busy thread used most of a core (a shared machine may take some), the idle one little.
      expect(Math.max(...b!.map((r) => r.cpuPct ?? 0))).toBeGreaterThan(40);
      expect(Math.max(...i!.map((r) => r.cpuPct ?? 0))).toBeLessThan(20);
      expect(threadCpuMs(busy.tid)).toBeGreaterThan(0);
      expect(threadCpuMs(null)).toBeNull();
    } finally {
      await Promise.all([busy.worker.terminate(), idle.worker.terminate()]);
    }
  });
});
