import { describe, expect, it } from 'vitest';
import { combineEld } from '../../../../targets/lib/cluster-eld.ts';
import { cpuPct, judgeGenerator, longestRunAtLeast, saturationCsv, treeCpuPct, type CpuReading } from '../../../../harness/record/saturation/compute.ts';
import type { SaturationRow } from '../../../../harness/results/format.ts';

const row = (t: number, gen: Partial<SaturationRow> = {}): SaturationRow => ({
  t, cpuPct: 50, rssMb: 100, eldP99Ms: 1, genCpuPct: 10, genRssMb: 120, genEldP99Ms: 2, ...gen,
});

describe('cpuPct', () => {
  it('is CPU time over wall time, 100 = one core', () => {
    expect(cpuPct({ cpuMs: 1000, atMs: 0 }, { cpuMs: 1500, atMs: 1000 })).toBe(50);
    expect(cpuPct({ cpuMs: 0, atMs: 0 }, { cpuMs: 3000, atMs: 2000 })).toBe(150);
  });

  it('is null when no time passed or the counter went back (a reused pid)', () => {
    expect(cpuPct({ cpuMs: 10, atMs: 5 }, { cpuMs: 20, atMs: 5 })).toBeNull();
    expect(cpuPct({ cpuMs: 900, atMs: 0 }, { cpuMs: 100, atMs: 1000 })).toBeNull();
  });
});

describe('treeCpuPct', () => {
  const at = (cpuMs: number, atMs: number): CpuReading => ({ cpuMs, atMs });

  it('sums the pids read both times and leaves out one that just appeared', () => {
    const prev = new Map([[1, at(0, 0)], [2, at(100, 0)], [3, at(0, 0)]]);
    const next = new Map([[1, at(200, 1000)], [2, at(900, 1000)], [4, at(5000, 1000)]]);
    expect(treeCpuPct(prev, next)).toBe(100);
  });

  it('is null when no pid was read twice', () => {
    expect(treeCpuPct(new Map(), new Map([[1, at(5, 1000)]]))).toBeNull();
  });
});

describe('judgeGenerator', () => {
  it('is not saturated by lone spikes, and reports the peaks', () => {
    const rows = [row(0, { genCpuPct: 95 }), row(1), row(2, { genEldP99Ms: 28 }), row(3, { genCpuPct: 99 }), row(4, { genEldP99Ms: 25 })];
    expect(judgeGenerator(rows)).toEqual({ saturated: false, reason: null, peakCpuPct: 99, peakEldP99Ms: 28 });
  });

  it('is saturated by 3 s in a row at ≥ 90 % CPU', () => {
    const rows = [row(0), row(1, { genCpuPct: 90 }), row(2, { genCpuPct: 97 }), row(3, { genCpuPct: 92 }), row(4)];
    expect(judgeGenerator(rows)).toEqual({
      saturated: true,
      reason: 'load generator saturated: CPU ≥ 90 % of one core for 3 s in a row (peak 97 %)',
      peakCpuPct: 97,
      peakEldP99Ms: 2,
    });
  });

  it('is saturated by 3 s in a row of event-loop delay p99 ≥ 20 ms, a null breaking the run', () => {
    const eld = (...v: (number | null)[]) => v.map((genEldP99Ms, t) => row(t, { genEldP99Ms }));
    expect(judgeGenerator(eld(20, 31, null, 40, 22)).saturated).toBe(false);
    expect(judgeGenerator(eld(5, 20, 31, 40, 1)).reason).toBe('load generator saturated: event-loop delay p99 ≥ 20 ms for 3 s in a row (peak 40 ms)');
  });

  it('has null peaks and is not saturated without rows', () => {
    expect(judgeGenerator([])).toEqual({ saturated: false, reason: null, peakCpuPct: null, peakEldP99Ms: null });
  });
});

describe('longestRunAtLeast', () => {
  it('counts the longest run of consecutive values at or over the limit', () => {
    expect(longestRunAtLeast([1, 5, 5, null, 5, 5, 5, 4], 5)).toBe(3);
    expect(longestRunAtLeast([], 5)).toBe(0);
  });
});

describe('saturationCsv', () => {
  it('has a header named as the JSON fields and empty cells for nulls', () => {
    const csv = saturationCsv([row(0, { eldP99Ms: null, cpuPct: 12.5 }), row(1)]);
    expect(csv).toBe([
      't,cpuPct,rssMb,eldP99Ms,genCpuPct,genRssMb,genEldP99Ms',
      '0,12.5,100,,10,120,2',
      '1,50,100,1,10,120,2',
      '',
    ].join('\n'));
  });
});

describe('combineEld', () => {
  it('answers for a cluster with its worst worker and the samples of all', () => {
    expect(combineEld([
      { p50: 1, p99: 4, max: 9, samples: 90 },
      { p50: 2, p99: 80, max: 95, samples: 60 },
    ])).toEqual({ p50: 2, p99: 80, max: 95, samples: 150, processes: 2 });
  });
});
