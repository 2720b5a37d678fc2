import { describe, expect, it } from 'vitest';
import { judgeWithThreads } from '../../../harness/run/generators.ts';
import type { GeneratorThreadsFile, SaturationRow, StageStats } from '../../../harness/results/format.ts';

const stages = [{ index: 0, at: 0, end: 5 }, { index: 1, at: 5, end: 10 }] as StageStats[];
const sat = (genCpuPct: number, eld = 1): SaturationRow[] => Array.from({ length: 10 }, (_, t) => ({ t, cpuPct: 50, rssMb: 50, eldP99Ms: 1, genCpuPct, genRssMb: 80, genEldP99Ms: eld }));
const threads = (elu: (t: number) => number): GeneratorThreadsFile => ({
  generators: 2, split: 'users', startSkewMs: 0.1,
  threads: [0, 1].map((index) => ({ index, requests: 100, rows: Array.from({ length: 10 }, (_, t) => ({ t, elu: index === 1 ? elu(t) : 0.3, cpuPct: 40 })) })),
});

describe('judgeWithThreads', () => {
  it('does not judge 2 threads\' CPU together against one core: 150% of the process over 2 threads at 40% each kept up', () => {
    const g = judgeWithThreads(sat(150), threads(() => 0.4), stages, false);
    expect(g).toMatchObject({ saturated: false, reason: null, peakCpuPct: 150, threads: 2, limited: [] });
  });

  it('names the stage and the thread whose event loop was saturated', () => {
    const g = judgeWithThreads(sat(150), threads((t) => (t >= 6 ? 0.97 : 0.4)), stages, false);
    expect(g.saturated).toBe(true);
    expect(g.limited).toEqual([{ stage: 1, reason: 'generator thread 2 of 2 saturated for 4 s in a row (peak event loop 97% busy, CPU 40% of a core)' }]);
    expect(g.reason).toBe('the generator, not the server, was the limit at stage 2');
  });

  it('judges the single generator per stage too (its CPU and loop delay), and Locust runs as before', () => {
    const one = judgeWithThreads(sat(95), null, stages, false);
    expect(one.saturated).toBe(true);
    expect(one.limited!.map((l) => l.stage)).toEqual([0, 1]);
    expect(one.reason).toContain('the generator, not the server, was the limit at stage 1, stage 2');
    expect(one.threads).toBeUndefined();
    const locust = judgeWithThreads(sat(95), null, stages, true);
    expect(locust.limited).toBeUndefined();
    expect(locust.saturated).toBe(true);
  });
});
