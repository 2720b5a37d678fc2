import type { ChartContext } from './context.ts';
import { runSeries } from './series.ts';
import { colorEncoding, timeChart, timeX, type ChartSection, type Spec } from './common.ts';

export const PERCENTILES = ['p50', 'p95', 'p99'] as const;

export interface LatencyPoint { target: string; t: number; percentile: (typeof PERCENTILES)[number]; ms: number }

/** p50/p95/p99 per second, one colour per target and one dash per percentile, log y. */
export function latencyOverTimeSpec(ctx: ChartContext, points: LatencyPoint[]): Spec {
  return timeChart(ctx, [{
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.5, point: false },
    encoding: {
      x: timeX(ctx),
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log', nice: false } },
      color: colorEncoding(ctx),
      strokeDash: {
        field: 'percentile', type: 'nominal', title: 'percentile',
        scale: { domain: [...PERCENTILES], range: [[2, 2], [1, 0], [6, 3]] },
      },
      tooltip: [
        { field: 'target' }, { field: 't', title: 'second' }, { field: 'percentile' },
        { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      ],
    },
  }], 260);
}

export const latencySection: ChartSection = {
  id: 'chart-latency',
  title: 'Latency over time',
  caption: (run) => {
    const { bucket } = runSeries(run.targets);
    return 'p50 (dotted), p95 (solid) and p99 (dashed) of successful responses, per second'
      + (bucket > 1 ? ` (each point is the worst second of a ${bucket}-second bucket)` : '')
      + '. A line that climbs stage after stage is a server queueing requests it cannot work on yet.';
  },
  build: (run, ctx) => {
    const points: LatencyPoint[] = [];
    for (const { target, points: ps } of runSeries(run.targets).byTarget) {
      for (const p of ps) {
        for (const q of PERCENTILES) {
          const ms = p[q];
          if (ms !== null && ms > 0) points.push({ target, t: p.t, percentile: q, ms });
        }
      }
    }
    return latencyOverTimeSpec(ctx, points);
  },
};
