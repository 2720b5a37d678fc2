import { ERROR_KINDS } from '../../harness/results-format.ts';
import type { ChartContext } from './context.ts';
import { bucketNote, runSeries } from './series.ts';
import { CHART_WIDTH, CONFIG, stageLayers, timeX, type ChartSection, type Spec } from './common.ts';

export const ERROR_COLORS: Record<string, string> = {
  refused: '#d62728', reset: '#ff7f0e', timeout: '#9467bd', http: '#8c564b', other: '#7f7f7f', dropped: '#17becf',
};

/** One bar: `count` per second of `kind` over [t, t2). */
export interface ErrorPoint { target: string; t: number; t2: number; kind: string; count: number }

/** Errors per second stacked by kind, one row per target on a shared x and y scale. */
export function errorsSpec(ctx: ChartContext, targets: string[], points: ErrorPoint[]): Spec {
  const kinds = ctx.model === 'open' ? [...ERROR_KINDS, 'dropped'] : [...ERROR_KINDS];
  const rowHeight = 70;
  return {
    config: CONFIG,
    vconcat: targets.map((target) => ({
      width: CHART_WIDTH, height: rowHeight,
      title: target,
      layer: [
        ...stageLayers(ctx),
        {
          data: { values: points.filter((p) => p.target === target) },
          mark: { type: 'bar' },
          encoding: {
            x: timeX(ctx),
            x2: { field: 't2' },
            y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'per second', scale: { domainMin: 0 } },
            color: {
              field: 'kind', type: 'nominal', title: 'error kind',
              scale: { domain: kinds, range: kinds.map((k) => ERROR_COLORS[k] ?? '#999') },
            },
            tooltip: [{ field: 't', title: 'second' }, { field: 'kind' }, { field: 'count', type: 'quantitative', title: 'per second' }],
          },
        },
      ],
    })),
    resolve: { scale: { x: 'shared', y: 'shared', color: 'shared' } },
  };
}

export const errorsSection: ChartSection = {
  id: 'chart-errors',
  title: 'Errors over time',
  caption: (run) => `Failed requests per second by kind${run.profile.model === 'open' ? ', and arrivals dropped because too many requests were in flight' : ''}`
    + `${bucketNote(runSeries(run.targets).bucket)}. An empty row means no errors.`,
  build: (run, ctx) => {
    const { bucket, byTarget } = runSeries(run.targets);
    const points: ErrorPoint[] = [];
    for (const { target, points: ps } of byTarget) {
      for (const p of ps) {
        for (const kind of ERROR_KINDS) if (p.errors[kind] > 0) points.push({ target, t: p.t, t2: p.t + bucket, kind, count: p.errors[kind] });
        if (ctx.model === 'open' && p.dropped > 0) points.push({ target, t: p.t, t2: p.t + bucket, kind: 'dropped', count: p.dropped });
      }
    }
    const withData = byTarget.filter((b) => b.points.length > 0).map((b) => b.target);
    return withData.length ? errorsSpec(ctx, withData, points) : null;
  },
};
