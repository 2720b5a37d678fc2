import type { ChartContext } from './context.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, type ChartSection, type Spec } from './common.ts';
import { stageLabel, fmtNum } from '../format.ts';
import { capacityApplies, theoreticalRps } from '../../harness/analysis/capacity-theory.ts';

export interface KneePoint { target: string; index: number; stage: string; rps: number; p95: number }
export interface CapacityMark { target: string; rps: number; label: string }

/**
 * Latency against throughput, one point per stage: a held target moves right at flat latency;
 * a saturated one stops moving right and shoots up (the knee). Dashed rules: estimated capacity.
 */
export function kneeSpec(ctx: ChartContext, points: KneePoint[], capacities: CapacityMark[]): Spec {
  const x = { field: 'rps', type: 'quantitative', title: 'throughput in the stage (successful req/s)' };
  return {
    width: CHART_WIDTH, height: 260, config: CONFIG,
    layer: [
      {
        data: { values: capacities },
        mark: { type: 'rule', strokeDash: [6, 4], opacity: 0.7 },
        encoding: { x, color: colorEncoding(ctx) },
      },
      {
        data: { values: capacities },
        mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -3, fontSize: 10 },
        encoding: { x, y: { value: 0 }, text: { field: 'label' }, color: colorEncoding(ctx) },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'p95', type: 'quantitative', title: 'p95 latency (ms)' },
          color: colorEncoding(ctx),
          order: { field: 'index', type: 'quantitative' },
          tooltip: [{ field: 'target' }, { field: 'stage' }, { field: 'rps', title: 'req/s' }, { field: 'p95', title: 'p95 (ms)' }],
        },
      },
    ],
  };
}

/** A capacity far right of every point would squash the data; only marks within reach are drawn. */
const CAPACITY_REACH = 1.5;

export const kneeSection: ChartSection = {
  id: 'chart-knee',
  title: 'Latency against load (the knee)',
  caption: (run) => 'One point per stage: x is the throughput the target delivered, y its p95. '
    + (capacityApplies(run.theory.work) && run.theory.meanServiceMs !== null
      ? 'Dashed rules: capacity ≈ concurrency ÷ mean service time. Points that pile up at a rule while latency climbs are a saturated server.'
      : 'A curve that turns upward marks where the target stopped keeping up.'),
  build: (run, ctx) => {
    const points = run.targets.flatMap((t) => t.stages.filter((s) => s.p95 !== null).map((s) => ({
      target: t.entry.name, index: s.index, stage: stageLabel(s.index), rps: s.rps, p95: s.p95 ?? 0,
    })));
    if (!points.length) return null;
    const maxX = Math.max(...points.map((p) => p.rps));
    const capacities = run.targets.flatMap((t) => {
      const rps = theoreticalRps({ ...run.theory, concurrency: t.entry.concurrency });
      return rps === null ? [] : [{ target: t.entry.name, rps: Math.round(rps * 10) / 10, label: `capacity ≈ ${fmtNum(rps)} req/s` }];
    }).filter((c) => c.rps <= maxX * CAPACITY_REACH);
    return kneeSpec(ctx, points, capacities);
  },
};
