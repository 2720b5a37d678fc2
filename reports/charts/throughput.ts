import type { ChartContext } from './context.ts';
import { bucketNote, runSeries } from './series.ts';
import { colorEncoding, timeChart, timeX, type ChartSection, type Spec } from './common.ts';

export interface ThroughputPoint { target: string; t: number; rps: number }

export function throughputSpec(ctx: ChartContext, points: ThroughputPoint[]): Spec {
  return timeChart(ctx, [{
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: timeX(ctx),
      y: { field: 'rps', type: 'quantitative', title: 'successful req/s' },
      color: colorEncoding(ctx),
      tooltip: [{ field: 'target' }, { field: 't', title: 'second' }, { field: 'rps', type: 'quantitative', title: 'req/s' }],
    },
  }]);
}

export const throughputSection: ChartSection = {
  id: 'chart-throughput',
  title: 'Requests per second',
  caption: (run) => `Successful responses per second${bucketNote(runSeries(run.targets).bucket)}. `
    + 'A line that stops rising while load keeps rising has hit its capacity.',
  build: (run, ctx) => throughputSpec(ctx, runSeries(run.targets).byTarget.flatMap(({ target, points }) =>
    points.map((p) => ({ target, t: p.t, rps: p.rps })))),
};
