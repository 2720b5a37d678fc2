import { describe, expect, it } from 'vitest';
import { compareCell, compareRuns, type SideTarget } from '../../../harness/analysis/compare.ts';

describe('compareCell', () => {
  it('calls fully separated higher p95 (5 vs 5, p = 2/252) worse, with Δ of the medians', () => {
    const c = compareCell('p95', [100, 101, 102, 103, 104], [150, 151, 152, 153, 154], 0.95);
    expect(c.verdict).toBe('worse');
    expect(c.p).toBeCloseTo(2 / 252, 12);
    expect(c.deltaAbs).toBe(50);
    expect(c.deltaPct).toBeCloseTo(50 / 102 * 100, 10);
  });

  it('calls higher req/s better and lower req/s worse', () => {
    expect(compareCell('rps', [10, 11, 12, 13], [20, 21, 22, 23], 0.95).verdict).toBe('better');
    expect(compareCell('rps', [20, 21, 22, 23], [10, 11, 12, 13], 0.95).verdict).toBe('worse');
  });

  it('says no detectable difference when the samples overlap, and when 3 vs 3 cannot reach 95 %', () => {
    expect(compareCell('p95', [100, 120, 110, 130], [105, 125, 115, 135], 0.95).verdict).toBe('no detectable difference');
    const c = compareCell('p95', [1, 2, 3], [7, 8, 9], 0.95);
    expect(c.verdict).toBe('no detectable difference');
    expect(c.minP).toBeCloseTo(0.1, 12);
    // …while at 90 % confidence p = 0.1 is still not below 0.1
    expect(compareCell('p95', [1, 2, 3], [7, 8, 9], 0.9).verdict).toBe('no detectable difference');
    expect(compareCell('p95', [1, 2, 3, 4], [7, 8, 9], 0.9).verdict).toBe('worse');
  });

  it('is unknown with one run a side, but still shows the difference', () => {
    const c = compareCell('p50', [100], [200], 0.95);
    expect(c).toMatchObject({ verdict: 'unknown', p: null, deltaAbs: 100, deltaPct: 100 });
  });
});

describe('compareRuns', () => {
  const side = (name: string, stages: number[], v: number[]): SideTarget => ({
    name, repeats: v.length,
    stages: stages.map((index) => ({ index, load: 10, values: { p50: v, p95: v, p99: v, rps: v, errors: [0, 0, 0] } })),
  });

  it('compares targets and stages present in both, and lists the rest', () => {
    const r = compareRuns([side('a', [0, 1], [1, 2, 3]), side('b', [0], [1, 2, 3])], [side('a', [0], [1, 2, 3]), side('c', [0], [1])], 0.95);
    expect(r.onlyInBase).toEqual(['b']);
    expect(r.onlyInNew).toEqual(['c']);
    expect(r.targets.map((t) => [t.name, t.stages.map((s) => s.index)])).toEqual([['a', [0]]]);
    expect(r.targets[0]!.stages[0]!.cells.map((c) => c.metric)).toEqual(['p50', 'p95', 'p99', 'rps', 'errors']);
    expect(r.targets[0]!.stages[0]!.cells.every((c) => c.verdict === 'no detectable difference' && c.p === 1)).toBe(true);
  });
});
