import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openProfileSchema } from '../../../../profiles/lib/define.ts';
import { driveThreads } from '../../../../harness/drive/generators/drive.ts';
import { Recorder } from '../../../../harness/record/recorder.ts';
import { stageWindows } from '../../../../harness/analysis/schedule.ts';

const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server that counts connections opened and still open; answers after `delayMs` (never when null). */
async function server(delayMs: number | null, onRequest: () => void = () => {}) {
  const seen = { opened: 0, open: 0, requests: 0 };
  const s = createServer((req, res) => {
    seen.requests++;
    onRequest();
    req.resume();
    if (delayMs !== null) setTimeout(() => res.end('ok'), delayMs);
  });
  s.on('connection', (socket) => {
    seen.opened++;
    seen.open++;
    socket.on('close', () => { seen.open--; });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

/** driveThreads as one-target.ts calls it: 2 threads, an open profile, a recorder of the lab's own. */
function drive(origin: string, signal: AbortSignal, onStart: (at: number) => void, recorder?: Recorder) {
  const profile = openProfileSchema.parse({ name: 'test', model: 'open', warmupSeconds: 0, stages: [{ at: 0, rate: 600 }], duration: 1.5, maxInFlight: 16, timeoutMs: 30_000 });
  recorder ??= new Recorder({ windows: stageWindows(profile), duration: 2, expectedIntervalUs: null, latencyBasis: 'intended' });
  return driveThreads({ origin, profile, seed: 1, signal, generators: 2, recorder, windows: stageWindows(profile), duration: 2, expectedIntervalUs: null, onStart });
}

const until = async (ok: () => boolean, ms: number) => {
  for (const end = performance.now() + ms; !ok() && performance.now() < end;) await new Promise((r) => setTimeout(r, 20));
};

describe('driveThreads (--generators 2, open model): each thread\'s connections open before the shared clock', () => {
  it('the threads open their 8 + 8 connections before t = 0; the burst after it opens none', async () => {
    // 600 req/s answered in 25 ms: ~15 in flight, so a thread that opened lazily would open most of its 8 in the first 100 ms.
    const { origin, seen } = await server(25);
    let atStart = -1;
    const d = await drive(origin, new AbortController().signal, () => { atStart = seen.opened; });
    expect(atStart).toBe(16);
    expect(seen.opened).toBe(16);
    expect(d.error).toBeNull();
    expect(d.open!.launched).toBeGreaterThan(500);
    expect(d.preconnected).toBe(16);
  });

  it('an abort while the threads connect: the clock never starts, it returns at once and every connection is closed', async () => {
    const stop = new AbortController();
    // A server that never answers: each thread's preconnect waits on its first 8 requests (timeout 30 s).
    const { origin, seen } = await server(null, () => stop.abort());
    let started = false;
    const t0 = performance.now();
    const d = await drive(origin, stop.signal, () => { started = true; });
    const tookMs = performance.now() - t0;
    expect(seen.requests).toBeGreaterThan(0);
    expect(started).toBe(false);
    expect(d.reached).toBe(0);
    expect(tookMs).toBeLessThan(15_000);
    await until(() => seen.open === 0, 5000);
    expect(seen.open).toBe(0);
  });
});

describe('driveThreads (--generators 2, open model): drops by cause', () => {
  it('the merged seconds carry each thread\'s drops and their late share, summing to the threads\' totals', async () => {
    // 16 slots answered in 200 ms serve ~80 of the 600 req/s asked: most arrivals are dropped at the cap.
    const { origin } = await server(200);
    const recorder = new Recorder({ windows: [{ index: 0, at: 0, end: 1.5, steadyFrom: 0, users: 600 }], duration: 2, expectedIntervalUs: null, latencyBasis: 'intended' });
    const d = await drive(origin, new AbortController().signal, () => {}, recorder);
    const { rows } = recorder.finish();
    expect(d.error).toBeNull();
    expect(d.open!.dropped).toBeGreaterThan(300);
    expect(rows.every((r) => typeof r.droppedLate === 'number' && r.droppedLate <= r.dropped)).toBe(true);
    expect(rows.reduce((n, r) => n + r.dropped, 0)).toBe(d.open!.dropped);
    expect(rows.reduce((n, r) => n + r.droppedLate!, 0)).toBe(d.open!.droppedLate);
  });
});
