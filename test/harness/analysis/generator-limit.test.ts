import { describe, expect, it } from 'vitest';
import { generatorLimits } from '../../../harness/analysis/generator-limit.ts';
import { generatorCheck } from '../../../harness/analysis/validity.ts';

const windows = [{ index: 0, at: 0, end: 5 }, { index: 1, at: 5, end: 10 }];
const rows = (elu: number[], cpu: (number | null)[] = elu.map(() => 10)) => elu.map((e, t) => ({ t, elu: e, cpuPct: cpu[t] ?? null }));

describe('generatorLimits: stages where the generator, not the server, was the limit', () => {
  it('flags the stage in which a thread\'s event loop stayed ≥ 90% busy for 3 s in a row, naming the thread', () => {
    const busy = rows([0.2, 0.3, 0.2, 0.3, 0.2, 0.5, 0.95, 0.97, 0.99, 0.6]);
    const idle = rows(Array.from({ length: 10 }, () => 0.1));
    const limits = generatorLimits([{ label: 'generator thread 1 of 2', rows: idle }, { label: 'generator thread 2 of 2', rows: busy }], windows);
    expect(limits).toEqual([{ stage: 1, reason: 'generator thread 2 of 2 saturated for 3 s in a row (peak event loop 99% busy, CPU 10% of a core)' }]);
  });

  it('flags a thread on its CPU as well, and the lab\'s own thread on its loop delay', () => {
    expect(generatorLimits([{ label: 't', rows: rows([0.5, 0.5, 0.5, 0.5, 0.5], [95, 96, 97, 10, 10]) }], windows).map((l) => l.stage)).toEqual([0]);
    const lab = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((t) => ({ t, cpuPct: 50, eldP99Ms: t >= 2 && t < 5 ? 25 : 1 }));
    expect(generatorLimits([{ label: 'lab', rows: lab }], windows).map((l) => l.stage)).toEqual([0]);
  });

  it('lets a lone busy second or two pass, and a run that straddles two stages counts in neither', () => {
    expect(generatorLimits([{ label: 't', rows: rows([0.1, 0.99, 0.99, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]) }], windows)).toEqual([]);
    expect(generatorLimits([{ label: 't', rows: rows([0.1, 0.1, 0.1, 0.99, 0.99, 0.99, 0.99, 0.1, 0.1, 0.1]) }], windows)).toEqual([]);
  });
});

describe('generatorCheck with limited stages', () => {
  it('says the generator was the limit, by stage', () => {
    const c = generatorCheck({ saturated: true, reason: 'x', peakCpuPct: 190, peakEldP99Ms: 3, threads: 2, limited: [{ stage: 1, reason: 'generator thread 2 of 2 saturated for 3 s in a row' }] });
    expect(c).toEqual({ check: 'generator', ok: false, detail: 'the generator, not the server, was the limit: stage 2: generator thread 2 of 2 saturated for 3 s in a row' });
    expect(generatorCheck({ saturated: false, reason: null, peakCpuPct: 60, peakEldP99Ms: 3, threads: 2, limited: [] }).ok).toBe(true);
  });
});
