import type { Histogram } from 'hdr-histogram-js';

/** Highest percentile drawn: 99.999%. */
export const SPECTRUM_MAX_NINES = 5;
/** x spacing of the spectrum in nines; 20 points per decade is smooth enough to read. */
export const SPECTRUM_STEP = 0.05;

/** "Number of nines" of a quantile q in [0, 1): 0.9 → 1, 0.99 → 2, 0.999 → 3. */
export const ninesOf = (q: number): number => 0 - Math.log10(1 - q); // 0 - x: q = 0 gives 0, not -0
export const quantileOfNines = (n: number): number => 1 - 10 ** -n;

/** Tick label for a whole number of nines: 0 → "0%", 1 → "90%", 3 → "99.9%". */
export function ninesLabel(n: number): string {
  if (n <= 0) return '0%';
  return n === 1 ? '90%' : `99${n > 2 ? `.${'9'.repeat(n - 2)}` : ''}%`;
}

/** vega expression mapping whole-nines tick values to their labels. */
export function ninesLabelExpr(maxNines = SPECTRUM_MAX_NINES): string {
  let expr = "''";
  for (let n = maxNines; n >= 0; n--) expr = `datum.value == ${n} ? '${ninesLabel(n)}' : ${expr}`;
  return expr;
}

export interface SpectrumPoint {
  nines: number;
  /** The percentile as text, e.g. "99.9%", for tooltips. */
  pct: string;
  ms: number;
}

/**
 * Percentile spectrum of a µs histogram in ms. Beyond 1 − 1/count the histogram can only
 * repeat its maximum, so the curve stops at log10(count) nines (capped at SPECTRUM_MAX_NINES).
 */
export function spectrum(h: Histogram, step = SPECTRUM_STEP): SpectrumPoint[] {
  if (h.totalCount === 0) return [];
  const maxNines = Math.min(SPECTRUM_MAX_NINES, Math.log10(h.totalCount));
  const steps = Math.floor(maxNines / step + 1e-9);
  const points: SpectrumPoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const nines = Math.round(i * step * 1000) / 1000;
    points.push(point(h, nines));
  }
  if (points.at(-1)?.nines !== maxNines) points.push(point(h, Math.round(maxNines * 1000) / 1000));
  return points;
}

function point(h: Histogram, nines: number): SpectrumPoint {
  const q = quantileOfNines(nines);
  return {
    nines,
    pct: `${Number((q * 100).toFixed(4))}%`,
    ms: Math.round(h.getValueAtPercentile(q * 100)) / 1000,
  };
}
