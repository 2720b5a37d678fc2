import { ERROR_KINDS } from '../../harness/results/format.ts';
import type { ChartContext } from './context.ts';
import { bucketNote, runSeries } from './series.ts';
import { DROP_CAP, DROP_LATE, DROP_UNKNOWN, dropCauseText, dropsByCause } from './drops.ts';
import { CHART_WIDTH, CONFIG, stageLayers, timeX, type ChartSection, type Spec } from './common.ts';

export const ERROR_COLORS: Record<string, string> = {
  refused: '#d62728', reset: '#ff7f0e', timeout: '#9467bd', http: '#8c564b', other: '#7f7f7f',
  [DROP_CAP]: '#17becf', [DROP_LATE]: '#e377c2', [DROP_UNKNOWN]: '#bcbd22',
};

/**
 * One stacked block: `count` per second of `kind` over [t, t2), drawn from y0 to y1.
 * Stacked here rather than by vega-lite, which will not stack a bar that spans x..x2.
 */
export interface ErrorBlock { target: string; t: number; t2: number; kind: string; count: number; y0: number; y1: number }

/** Open model: drops by cause after the error kinds; "cause not recorded" only for a run folder that needs it. */
export const errorKinds = (model: ChartContext['model'], unknownDrops = false): string[] =>
  (model === 'open' ? [...ERROR_KINDS, DROP_CAP, DROP_LATE, ...(unknownDrops ? [DROP_UNKNOWN] : [])] : [...ERROR_KINDS]);

/** Stack per (target, t) in the fixed kind order so colours always sit in the same place. */
export function stackErrors(rows: Omit<ErrorBlock, 'y0' | 'y1'>[], kinds: string[]): ErrorBlock[] {
  const top = new Map<string, number>();
  const sorted = [...rows].sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
  return sorted.map((r) => {
    const key = `${r.target}\u0000${r.t}`;
    const y0 = top.get(key) ?? 0;
    top.set(key, y0 + r.count);
    return { ...r, y0, y1: y0 + r.count };
  });
}

/** Errors per second stacked by kind, one row per target on shared x and y scales. */
export function errorsSpec(ctx: ChartContext, targets: string[], blocks: ErrorBlock[]): Spec {
  const kinds = errorKinds(ctx.model, blocks.some((b) => b.kind === DROP_UNKNOWN));
  const yMax = Math.max(1, ...blocks.map((b) => b.y1));
  return {
    config: CONFIG,
    vconcat: targets.map((target) => ({
      width: CHART_WIDTH, height: 70,
      title: target,
      layer: [
        ...stageLayers(ctx),
        {
          data: { values: blocks.filter((b) => b.target === target) },
          mark: { type: 'rect' },
          encoding: {
            x: timeX(ctx),
            x2: { field: 't2' },
            y: { field: 'y1', type: 'quantitative', title: 'per second', scale: { domain: [0, yMax] } },
            y2: { field: 'y0' },
            color: { field: 'kind', type: 'nominal', title: ctx.model === 'open' ? 'error kind or drop cause' : 'error kind', scale: { domain: kinds, range: kinds.map((k) => ERROR_COLORS[k] ?? '#999') } },
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
  caption: (run) => `Failed requests per second by kind${run.profile.model === 'open' ? ', and arrivals never sent (dropped) by cause: "in-flight cap full", every slot stayed busy 100 ms past the arrival\'s time (the server\'s queue); "generator late", the generator itself reached the arrival too late (its own lag: that second measures the lab, not the server)' : ''}`
    + `${bucketNote(runSeries(run.targets).bucket)}. An empty row means no errors.${run.profile.model === 'open' ? ` ${dropCauseText(run.targets)}` : ''}`,
  build: (run, ctx) => {
    const { bucket, byTarget } = runSeries(run.targets);
    const rows: Omit<ErrorBlock, 'y0' | 'y1'>[] = [];
    for (const { target, points } of byTarget) {
      for (const p of points) {
        const at = { target, t: p.t, t2: p.t + bucket };
        for (const kind of ERROR_KINDS) if (p.errors[kind] > 0) rows.push({ ...at, kind, count: p.errors[kind] });
        if (ctx.model === 'open') for (const [kind, count] of dropsByCause(p)) rows.push({ ...at, kind, count });
      }
    }
    const withData = byTarget.filter((b) => b.points.length > 0).map((b) => b.target);
    return withData.length ? errorsSpec(ctx, withData, stackErrors(rows, errorKinds(ctx.model, true))) : null;
  },
};
