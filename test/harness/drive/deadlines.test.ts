import { describe, expect, it } from 'vitest';
import { Deadlines, type Pending } from '../../../harness/drive/deadlines.ts';

/** A request that only records when and how it failed. */
function pending(d: Deadlines, timeoutMs: number, log: { at: number; timeoutMs: number; err: Error }[]): Pending {
  const t0 = performance.now();
  const p: Pending = {
    deadline: t0 + timeoutMs,
    timeoutMs,
    fail: (err) => {
      d.delete(p);
      log.push({ at: performance.now() - t0, timeoutMs, err });
    },
  };
  d.add(p);
  return p;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Deadlines: one shared timer, each request failed at its own deadline', () => {
  it.each([
    ['one timeout, added in deadline order', [20, 20, 20, 20]],
    ['mixed timeouts, added out of order', [80, 10, 40, 25, 60]],
  ])('%s', async (_name, timeouts) => {
    const d = new Deadlines();
    const log: { at: number; timeoutMs: number; err: Error }[] = [];
    for (const t of timeouts) pending(d, t, log);
    await settle(Math.max(...timeouts) + 60);
    expect(log).toHaveLength(timeouts.length);
    for (const e of log) {
      expect(e.err).toMatchObject({ code: 'LOADLAB_TIMEOUT', message: `no complete response within ${e.timeoutMs} ms` });
      // Never before its deadline; after it by a timer's lateness (wide margin: 2 shared cores).
      expect(e.at).toBeGreaterThanOrEqual(e.timeoutMs - 0.5);
      expect(e.at).toBeLessThan(e.timeoutMs + 30);
    }
    expect(log.map((e) => e.timeoutMs)).toEqual([...timeouts].sort((a, b) => a - b));
    expect(d.size).toBe(0);
  });

  it('a request that completed is never failed, and later requests still time out on time', async () => {
    const d = new Deadlines();
    const log: { at: number; timeoutMs: number; err: Error }[] = [];
    const done = pending(d, 20, log);
    d.delete(done);
    await settle(10);
    pending(d, 30, log);
    await settle(60);
    expect(log.map((e) => e.timeoutMs)).toEqual([30]);
    expect(log[0]!.at).toBeLessThan(30 + 30);
  });

  it('failAll fails every request at once with the reason given', () => {
    const d = new Deadlines();
    const log: { at: number; timeoutMs: number; err: Error }[] = [];
    for (let i = 0; i < 5; i++) pending(d, 60_000, log);
    d.failAll(new Error('drain limit'));
    expect(log.map((e) => e.err.message)).toEqual(Array(5).fill('drain limit'));
    expect(d.size).toBe(0);
  });
});
