import { describe, expect, it } from 'vitest';
import { choose, mannWhitney, medianDelta, normalUpperTail } from '../../../harness/analysis/compare-stats.ts';

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
