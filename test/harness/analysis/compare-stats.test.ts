import { describe, expect, it } from 'vitest';
import { choose, mannWhitney, medianDelta, normalUpperTail } from '../../../harness/analysis/compare-stats.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';

// Expected p-values are the textbook ones; the ones with ties and the normal approximation were
// checked against scipy.stats.mannwhitneyu (method='exact' / 'asymptotic', continuity correction).
describe('mannWhitney', () => {
  it('gives the exact p = 2/252 for fully separated samples of 5 vs 5', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(2 / 252, 12);
    expect(r.p).toBeCloseTo(0.0079, 4);
  });

  it('is symmetric: swapping the sides keeps p and mirrors U', () => {
    const r = mannWhitney([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.u).toBe(25);
    expect(r.p).toBeCloseTo(2 / 252, 12);
  });

  it('gives p = 1 for identical samples', () => {
    expect(mannWhitney([3, 3, 3], [3, 3, 3]).p).toBe(1);
    expect(mannWhitney([1, 2, 3, 4], [1, 2, 3, 4]).p).toBe(1);
  });

  it('handles ties exactly with midranks: [1,2,3] vs [3,4,5] → U = 0.5, p = 0.2', () => {
    const r = mannWhitney([1, 2, 3], [3, 4, 5]);
    expect(r.u).toBe(0.5);
    expect(r.p).toBeCloseTo(0.2, 12);
  });

  it('says the smallest reachable p: 3 vs 3 can never go below 0.1, 4 vs 4 reaches 2/70', () => {
    const three = mannWhitney([1, 2, 3], [4, 5, 6]);
    expect(three.p).toBeCloseTo(0.1, 12);
    expect(three.minP).toBeCloseTo(0.1, 12);
    expect(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]).p).toBeCloseTo(2 / 70, 12);
  });

  it('gives p = 1 with one value a side (nothing to test) and with an empty side', () => {
    expect(mannWhitney([1], [2]).p).toBe(1);
    expect(mannWhitney([], [2, 3]).p).toBe(1);
  });

  it('uses the normal approximation above 10 vs 10: 11 vs 11 fully separated → p ≈ 8.1515e-5', () => {
    const r = mannWhitney(Array.from({ length: 11 }, (_, i) => i), Array.from({ length: 11 }, (_, i) => 20 + i));
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(8.151536e-5, 8);
  });

  it('corrects the normal approximation for ties (scipy: p = 0.0122016)', () => {
    const r = mannWhitney([1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9], [4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12]);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(25);
    expect(r.p).toBeCloseTo(0.0122016, 5);
  });
});

/** Brute force, independent of the test's dynamic programme: every split of the pooled midranks, counted. */
function enumeratedP(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const sorted = [...pooled].sort((x, y) => x - y);
  const rank = (v: number) => (sorted.indexOf(v) + sorted.lastIndexOf(v) + 2) / 2;
  const ranks = pooled.map(rank);
  const n1 = a.length, mean = (n1 * (pooled.length + 1)) / 2;
  const observed = Math.abs(ranks.slice(0, n1).reduce((x, y) => x + y, 0) - mean);
  let hit = 0, total = 0;
  const pick = (from: number, left: number, sum: number): void => {
    if (left === 0) { total++; if (Math.abs(sum - mean) >= observed - 1e-9) hit++; return; }
    for (let i = from; i <= ranks.length - left; i++) pick(i + 1, left - 1, sum + ranks[i]!);
  };
  pick(0, n1, 0);
  return hit / total;
}

describe('mannWhitney: asymmetric sizes with ties, and known distributions', () => {
  it('3 vs 5 with ties: [10,12,12] vs [12,14,15,15,16] → U = 1, exact p = 4/56 = 1/14', () => {
    // Pooled sorted: 10 12 12 12 14 15 15 16 → midranks 1, 3, 3, 3, 5, 6.5, 6.5, 8.
    // BASE's ranks: 1 + 3 + 3 = 7 = W; U = W − 3·4/2 = 1. Under H0, E[W] = 3·9/2 = 13.5, |7 − 13.5| = 6.5.
    // Of the C(8,3) = 56 ways to pick 3 ranks, W ≤ 7 only as {1, 3, 3} (3 ways: two of the three tied 3s)
    // and W ≥ 20 only as {6.5, 6.5, 8} = 21 (1 way); so p = (3 + 1) / 56 = 1/14 ≈ 0.0714.
    const r = mannWhitney([10, 12, 12], [12, 14, 15, 15, 16]);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(1);
    expect(r.p).toBeCloseTo(4 / 56, 12);
    expect(r.minP).toBeCloseTo(2 / 56, 12);
    expect(mannWhitney([12, 14, 15, 15, 16], [10, 12, 12]).p).toBeCloseTo(4 / 56, 12);
  });

  it('3 vs 5 without ties matches the tabulated null distribution: U = 0 → 2/56, U = 1 → 4/56, U = 2 → 8/56', () => {
    // Tables of P(U ≤ u) for n1 = 3, n2 = 5: 1/56, 2/56, 4/56 (doubled for two sides).
    expect(mannWhitney([1, 2, 3], [4, 5, 6, 7, 8]).p).toBeCloseTo(2 / 56, 12);
    expect(mannWhitney([1, 2, 4], [3, 5, 6, 7, 8]).p).toBeCloseTo(4 / 56, 12);
    expect(mannWhitney([1, 2, 5], [3, 4, 6, 7, 8]).p).toBeCloseTo(8 / 56, 12);
  });

  it('agrees with brute-force enumeration on 200 seeded samples of 2–6 vs 3–7 values with many ties', () => {
    const rand = mulberry32(42);
    for (let k = 0; k < 200; k++) {
      const draw = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 5));
      const a = draw(2 + Math.floor(rand() * 5)), b = draw(3 + Math.floor(rand() * 5));
      expect(mannWhitney(a, b).p, `${a} vs ${b}`).toBeCloseTo(enumeratedP(a, b), 10);
    }
  });

  it('on known distributions: same normal → rejects at α = 0.05 no more than 5% of the time; shifted by 2σ → almost always', () => {
    const rand = mulberry32(7);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const trials = 1000;
    let falseAlarms = 0, found = 0;
    for (let k = 0; k < trials; k++) {
      const base = Array.from({ length: 8 }, normal);
      if (mannWhitney(base, Array.from({ length: 8 }, normal)).p < 0.05) falseAlarms++;
      if (mannWhitney(base, Array.from({ length: 8 }, () => normal() + 2)).p < 0.05) found++;
    }
    // The exact test's size for 8 vs 8 at α = 0.05 is 0.0499 (p ≤ 0.0499 is the largest reachable below 0.05).
    expect(falseAlarms / trials).toBeGreaterThan(0.02);
    expect(falseAlarms / trials).toBeLessThanOrEqual(0.065);
    // Power of the rank test for a 2σ shift with 8 a side is ≈ 0.9.
    expect(found / trials).toBeGreaterThan(0.8);
  });
});

describe('helpers', () => {
  it('choose and the normal tail give known values', () => {
    expect(choose(10, 5)).toBe(252);
    expect(choose(20, 10)).toBe(184756);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(-1.959964)).toBeCloseTo(0.975, 6);
  });

  it('medianDelta: Δ absolute and Δ % of the medians; no % from a zero base', () => {
    expect(medianDelta([100, 110, 90], [120, 130, 125])).toEqual({ base: 100, next: 125, abs: 25, pct: 25 });
    expect(medianDelta([0, 0], [1, 1]).pct).toBeNull();
    expect(medianDelta([], [1]).abs).toBeNull();
  });
});
