import type { ChartContext } from './context.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, type ChartSection, type Spec } from './common.ts';
import { stageLabel } from '../format.ts';

export interface StageBar { target: string; stage: string; users: number; rps: number; p95: number }

/** p95 of each stage's steady part, bars grouped by stage, one bar per target. */
export function stageP95Spec(ctx: ChartContext, rows: StageBar[]): Spec {
  const x = { field: 'stage', type: 'ordinal', title: 'stage', sort: ctx.stages.map((s) => s.label), axis: { labelAngle: 0 } };
  const xOffset = { field: 'target', type: 'nominal', scale: { domain: ctx.targets.map((t) => t.name) } };
  const y = { field: 'p95', type: 'quantitative', title: 'p95 latency (ms)' };
  return {
    width: CHART_WIDTH, height: 220, config: CONFIG,
    data: { values: rows },
    encoding: { x, xOffset, y },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: colorEncoding(ctx),
          tooltip: [
            { field: 'target' }, { field: 'stage' }, { field: 'users', title: ctx.model === 'open' ? 'arrival rate' : 'users' },
            { field: 'rps', title: 'req/s' }, { field: 'p95', title: 'p95 (ms)' },
          ],
        },
      },
      { mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9, color: '#444' }, encoding: { text: { field: 'p95', format: ',.0f' } } },
    ],
  };
}

export const stageP95Section: ChartSection = {
  id: 'chart-stage-p95',
  title: 'p95 per stage',
  caption: () => 'p95 latency over the steady part of each stage (ramp excluded). Bars that grow from stage to stage belong to a target that degraded.',
  build: (run, ctx) => {
    const rows = run.targets.flatMap((t) => t.stages.filter((s) => s.p95 !== null).map((s) => ({
      target: t.entry.name, stage: stageLabel(s.index), users: s.users, rps: s.rps, p95: s.p95 ?? 0,
    })));
    return rows.length ? stageP95Spec(ctx, rows) : null;
  },
};
