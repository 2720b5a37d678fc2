import { describe, expect, it } from 'vitest';
import { createApi, type WorkBody } from '../../targets/lib/api.ts';
import { contextEnv, readContext } from '../../targets/lib/context.ts';
import type { TargetContext } from '../../targets/lib/define.ts';
import { mulberry32, serviceTimeMs } from '../../targets/lib/prng.ts';

const ctx: TargetContext = { host: '127.0.0.1', port: 1, work: 'sleep', seed: 5, size: 1 };
const noWork = () => {};

describe('createApi', () => {
  it('serves the seeded service-time sequence on any other path', async () => {
    const api = createApi(ctx, { run: noWork, seedOffset: 0 });
    const rand = mulberry32(5);
    for (const path of ['/', '/items/3', '/']) {
      const r = await api.handle('GET', path);
      expect(r.status).toBe(200);
      const body = r.body as WorkBody;
      expect(body).toMatchObject({ work: 'sleep', pid: process.pid });
      expect(body.workMs).toBeCloseTo(serviceTimeMs(rand), 2);
    }
  });

  it('offsets the seed per cluster worker', async () => {
    const a = (await createApi(ctx, { run: noWork, seedOffset: 1 }).handle('GET', '/')).body as WorkBody;
    const b = (await createApi({ ...ctx, seed: 6 }, { run: noWork, seedOffset: 0 }).handle('GET', '/')).body as WorkBody;
    expect(a.workMs).toBe(b.workMs);
  });

  it('answers /health 503 until ready, then 200', async () => {
    let ready!: () => void;
    const api = createApi(ctx, { ready: new Promise<void>((r) => { ready = r; }) });
    expect(await api.handle('GET', '/health')).toEqual({ status: 503, body: { ok: false } });
    ready();
    await Promise.resolve();
    expect(await api.handle('GET', '/health')).toEqual({ status: 200, body: { ok: true } });
  });

  it('reports event-loop delay in ms', async () => {
    const r = await createApi(ctx).handle('GET', '/__loadlab/eld');
    expect(r.body).toEqual({ p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number), samples: expect.any(Number) });
  });
});

describe('readContext', () => {
  it('round-trips through the environment', () => {
    const c = { port: 8080, work: 'cpu', seed: 9, size: 4 } as const;
    expect(readContext(contextEnv(c))).toEqual({ host: '127.0.0.1', ...c });
  });

  it('names the bad variable and what arrived', () => {
    expect(() => readContext({ ...contextEnv({ port: 1, work: 'cpu', seed: 1, size: 1 }), LOADLAB_WORK: 'nap' }))
      .toThrow(/LOADLAB_WORK.*"nap"/);
  });
});
