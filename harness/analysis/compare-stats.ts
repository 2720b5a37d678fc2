/**
 * Mann-Whitney U (Wilcoxon rank-sum) over the repeats of two runs: is one side's metric shifted
 * against the other's? The sample count is the number of repeats (3–10 a side), never requests.
 * Pure: no I/O.
 */

/** Up to this many ways to split the pooled values, the p-value is exact (10 vs 10 = 184 756). */
const EXACT_MAX_SPLITS = 200_000;

export interface RankTest {
  n1: number;
  n2: number;
  /** U of the first sample: pairs (a, b) with a > b, ties counting ½. */
  u: number;
  /** Two-sided p-value; 1 when either side is empty. */
  p: number;
  /** 'exact': the permutation distribution of the rank sum (midranks, so ties are exact too). 'normal': the approximation with tie and continuity correction. */
  method: 'exact' | 'normal';
  /** The smallest p these sample sizes can give at all (2 / C(n1+n2, n1)): above 1 − confidence, no difference can be detected. */
  minP: number;
}

/** C(n, k) as a float (exact for the sizes used here). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i;
  return Math.round(c);
}

/** Midranks ×2 (integers even with ties) of the pooled values, and the tie groups' sizes. */
function doubledRanks(pooled: readonly number[]): { ranks2: number[]; ties: number[] } {
  const order = pooled.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks2 = new Array<number>(pooled.length).fill(0);
  const ties: number[] = [];
  for (let s = 0; s < order.length;) {
    let e = s;
    while (e + 1 < order.length && order[e + 1]!.v === order[s]!.v) e++;
    // ranks s+1 … e+1 share their mean; doubled: (s+1)+(e+1)
    for (let k = s; k <= e; k++) ranks2[order[k]!.i] = s + e + 2;
    ties.push(e - s + 1);
    s = e + 1;
  }
  return { ranks2, ties };
}

/** Exact two-sided p: the share of all splits whose rank sum lies at least as far from its mean. */
function exactP(ranks2: readonly number[], n1: number, observed2: number): number {
  const maxSum = ranks2.reduce((a, b) => a + b, 0);
  // ways[k][s]: subsets of k of the values seen so far with doubled rank sum s
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  for (const r of ranks2) {
    for (let k = n1; k >= 1; k--) {
      const from = ways[k - 1]!, to = ways[k]!;
      for (let s = maxSum - r; s >= 0; s--) if (from[s]) to[s + r]! += from[s]!;
    }
  }
  const N = ranks2.length;
  const mean2 = n1 * (N + 1);
  const dist = Math.abs(observed2 - mean2);
  let hit = 0, total = 0;
  ways[n1]!.forEach((w, s) => {
    total += w;
    if (Math.abs(s - mean2) >= dist) hit += w;
  });
  return Math.min(1, hit / total);
}

/** Standard normal upper tail, P(Z > z), via erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Two-sided Mann-Whitney U test of `a` against `b`. */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest {
  const n1 = a.length, n2 = b.length, N = n1 + n2;
  const splits = choose(N, n1);
  const minP = n1 && n2 ? Math.min(1, 2 / splits) : 1;
  if (n1 === 0 || n2 === 0) return { n1, n2, u: 0, p: 1, method: 'exact', minP };
  const { ranks2, ties } = doubledRanks([...a, ...b]);
  const w2 = ranks2.slice(0, n1).reduce((x, y) => x + y, 0);
  const u = w2 / 2 - (n1 * (n1 + 1)) / 2;
  if (splits <= EXACT_MAX_SPLITS) return { n1, n2, u, p: exactP(ranks2, n1, w2), method: 'exact', minP };
  const mu = (n1 * n2) / 2;
  const tieSum = ties.reduce((s, t) => s + t ** 3 - t, 0);
  const variance = ((n1 * n2) / 12) * (N + 1 - tieSum / (N * (N - 1)));
  if (variance <= 0) return { n1, n2, u, p: 1, method: 'normal', minP };
  const z = Math.max(0, Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { n1, n2, u, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal', minP };
}

/** Median of the values (mean of the middle two when even); null when there are none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface MedianDelta {
  base: number | null;
  next: number | null;
  /** next − base; null when either median is missing. */
  abs: number | null;
  /** (next − base) ÷ base × 100; null when either is missing or base is 0. */
  pct: number | null;
}

/** Δ absolute and Δ % of the medians of two samples. */
export function medianDelta(base: readonly number[], next: readonly number[]): MedianDelta {
  const b = medianOf(base), n = medianOf(next);
  const abs = b !== null && n !== null ? n - b : null;
  return { base: b, next: n, abs, pct: abs !== null && b !== 0 ? (abs / b!) * 100 : null };
}
