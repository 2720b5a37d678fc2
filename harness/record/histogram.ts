import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencyStats } from '../results/format.ts';

/**
 * The one place that decides how latency is recorded: microseconds, 1 µs to 10 min,
 * 3 significant digits (0.1% error), which is what HdrHistogram tools expect by default.
 */
export const LATENCY_UNIT = 'us';
const HIGHEST_US = 10 * 60 * 1_000_000;

export function newLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    // Clamping beats resizing: a 10-minute response is already a timeout in every profile.
    autoResize: false,
  });
}

const clampUs = (us: number): number => Math.min(Math.max(1, Math.round(us)), HIGHEST_US);

export function recordUs(h: Histogram, us: number): void {
  h.recordValue(clampUs(us));
}

/**
 * HdrHistogram's coordinated-omission correction: besides `us`, records `us − interval`,
 * `us − 2·interval`, … down to `interval` — the requests a sender on that interval would have
 * sent while this one was outstanding. Clamped like recordUs: the histogram does not resize.
 */
export function recordUsWithExpectedInterval(h: Histogram, us: number, intervalUs: number): void {
  h.recordValueWithExpectedInterval(clampUs(us), intervalUs);
}

export const encodeHistogram = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);
export const decodeHistogram = (s: string): Histogram => hdr.decodeFromCompressedBase64(s);

const ms = (us: number): number => Math.round(us / 10) / 100;

/** Percentiles in milliseconds (2 decimals), or nulls for an empty histogram. */
export function latencyStats(h: Histogram): LatencyStats {
  if (h.totalCount === 0) {
    return { count: 0, mean: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null };
  }
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    // maxValue is the raw maximum; percentiles report the top of their bucket — use the same scale for both.
    max: ms(h.getValueAtPercentile(100)),
  };
}
