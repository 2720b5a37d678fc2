import type { ChartContext } from './context.ts';
import { bucketNote, runSeries } from './series.ts';
import { colorEncoding, timeChart, timeX, type ChartSection, type Spec } from './common.ts';

export interface LoadPoint { target: string; t: number; users: number }

/** Users (closed model) or scheduled arrival rate (open model) over time. */
export function loadSpec(ctx: ChartContext, points: LoadPoint[]): Spec {
  const title = ctx.model === 'open' ? 'arrival rate (req/s)' : 'virtual users';
  return timeChart(ctx, [{
    data: { values: points },
    mark: { type: 'line', strokeWidth: 1.5, interpolate: 'step-after' },
    encoding: {
      x: timeX(ctx),
      y: { field: 'users', type: 'quantitative', title },
      color: colorEncoding(ctx),
      tooltip: [{ field: 'target' }, { field: 't', title: 'second' }, { field: 'users', type: 'quantitative', title }],
    },
  }], 160);
}

export const loadSection: ChartSection = {
  id: 'chart-load',
  title: 'Offered load',
  caption: (run) => (run.profile.model === 'open'
    ? 'Scheduled arrival rate per second (open model: arrivals do not wait for responses)'
    : 'Active virtual users (closed model: each user waits for its response, then thinks, then sends again)')
    + `${bucketNote(runSeries(run.targets).bucket)}. Grey dashed rules mark stage starts; the shaded part is the ramp, left out of stage stats.`,
  build: (run, ctx) => loadSpec(ctx, runSeries(run.targets).byTarget.flatMap(({ target, points }) =>
    points.map((p) => ({ target, t: p.t, users: p.users })))),
};
