import type { IntervalRow } from '../../harness/results/format.ts';
import { ERROR_KINDS, type ErrorCounts } from '../../harness/results/format.ts';

/** Above this many points per target a time series is bucketed; per-second data stays exact below it. */
export const MAX_SERIES_POINTS = 600;

export interface SeriesPoint {
  t: number;
  users: number;
  rps: number;
  /** Per second, averaged over the bucket. */
  errors: ErrorCounts;
  dropped: number;
  /** Of `dropped`, those the generator reached late (per second); null: a row of the bucket predates the split (cause unknown). */
  droppedLate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number): number => Math.round(x * 100) / 100;
/** The worst second of a bucket, so downsampling never hides a latency spike. */
const worst = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
};

export function bucketSeconds(rows: number, maxPoints = MAX_SERIES_POINTS): number {
  return Math.max(1, Math.ceil(rows / maxPoints));
}

/** Per-second rows, or buckets of `size` seconds (t = bucket start) for long runs. */
export function downsample(rows: IntervalRow[], size: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const b = rows.slice(i, i + size);
    const first = b[0];
    if (!first) break;
    const errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, round(mean(b.map((r) => r.errors?.[k] ?? 0)))])) as ErrorCounts;
    out.push({
      t: first.t,
      users: round(mean(b.map((r) => r.users))),
      rps: round(mean(b.map((r) => r.rps))),
      errors,
      dropped: round(mean(b.map((r) => r.dropped ?? 0))),
      droppedLate: b.every((r) => typeof r.droppedLate === 'number') ? round(mean(b.map((r) => r.droppedLate!))) : null,
      p50: worst(b.map((r) => r.p50)),
      p95: worst(b.map((r) => r.p95)),
      p99: worst(b.map((r) => r.p99)),
    });
  }
  return out;
}

/** Every target's series at one common bucket size, so all time charts line up. */
export function runSeries(targets: { entry: { name: string }; series: IntervalRow[] }[]): {
  bucket: number;
  byTarget: { target: string; points: SeriesPoint[] }[];
} {
  const bucket = bucketSeconds(Math.max(0, ...targets.map((t) => t.series.length)));
  return { bucket, byTarget: targets.map((t) => ({ target: t.entry.name, points: downsample(t.series, bucket) })) };
}

export const bucketNote = (bucket: number): string => (bucket > 1 ? ` (averaged over ${bucket}-second buckets)` : '');
