import { describe, expect, it } from 'vitest';
import { MEAN_SERVICE_MS, SERVICE_MAX_MS, SERVICE_MIN_MS, mulberry32, serviceTimeMs } from '../../targets/lib/prng.ts';
import { doWork } from '../../targets/lib/work.ts';

const draws = (seed: number, n: number) => {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => serviceTimeMs(rand));
};

describe('prng', () => {
  it('replays the same sequence for the same seed and another for another seed', () => {
    expect(draws(42, 20)).toEqual(draws(42, 20));
    expect(draws(42, 20)).not.toEqual(draws(43, 20));
  });

  it('draws uniform [0,1) and service times within 10–100 ms averaging 55', () => {
    const rand = mulberry32(7);
    const u = Array.from({ length: 10_000 }, rand);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const ms = draws(7, 10_000);
    expect(Math.min(...ms)).toBeGreaterThanOrEqual(SERVICE_MIN_MS);
    expect(Math.max(...ms)).toBeLessThan(SERVICE_MAX_MS);
    expect(ms.reduce((a, b) => a + b, 0) / ms.length).toBeCloseTo(MEAN_SERVICE_MS, -1);
  });
});

describe('doWork', () => {
  const timed = async (f: () => unknown) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };

  it.each(['block', 'sleep', 'cpu'] as const)('%s lasts about the asked time', async (model) => {
    const ms = await timed(() => doWork(model, 40));
    expect(ms).toBeGreaterThanOrEqual(38);
    expect(ms).toBeLessThan(40 + 400);
  });

  it('block and cpu hold the thread, sleep frees it', async () => {
    for (const model of ['block', 'cpu', 'sleep'] as const) {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await doWork(model, 60);
      clearInterval(timer);
      if (model === 'sleep') expect(ticks, model).toBeGreaterThan(3);
      else expect(ticks, model).toBe(0);
    }
  });
});
