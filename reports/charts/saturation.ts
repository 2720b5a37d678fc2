import type { ChartContext } from './context.ts';
import type { SaturationRow } from '../model.ts';
import { bucketSeconds } from './series.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, stageLayers, timeX, type ChartSection, type Spec } from './common.ts';

/** The optional saturation.json metrics, in the order drawn. */
export const SATURATION_METRICS = [
  { key: 'cpuPct', title: 'CPU (%)' },
  { key: 'eldP99Ms', title: 'event-loop delay p99 (ms)' },
  { key: 'rssMb', title: 'memory RSS (MB)' },
] as const satisfies readonly { key: keyof SaturationRow; title: string }[];

export interface SaturationPoint { target: string; t: number; metric: string; value: number }

/** One row per metric, all on the run's time axis: is the server busy, blocked or growing? */
export function saturationSpec(ctx: ChartContext, points: SaturationPoint[]): Spec {
  const metrics = SATURATION_METRICS.filter((m) => points.some((p) => p.metric === m.key));
  return {
    config: CONFIG,
    vconcat: metrics.map((m) => ({
      width: CHART_WIDTH, height: 110,
      layer: [
        ...stageLayers(ctx),
        {
          data: { values: points.filter((p) => p.metric === m.key) },
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: timeX(ctx),
            y: { field: 'value', type: 'quantitative', title: m.title },
            color: colorEncoding(ctx),
            tooltip: [{ field: 'target' }, { field: 't', title: 'second' }, { field: 'value', title: m.title }],
          },
        },
      ],
    })),
    resolve: { scale: { x: 'shared', color: 'shared' } },
  };
}

export const saturationSection: ChartSection = {
  id: 'chart-saturation',
  title: 'Server resources',
  caption: () => 'From saturation.json: CPU, event-loop delay and memory of each target process over time.',
  build: (run, ctx) => {
    const size = bucketSeconds(Math.max(0, ...run.targets.map((t) => t.saturation?.length ?? 0)));
    const points = run.targets.flatMap((t) => bucketSaturation(t.entry.name, t.saturation ?? [], size));
    return points.length ? saturationSpec(ctx, points) : null;
  },
};

/** Long runs: the worst value of each `size`-second bucket, like the latency series. */
export function bucketSaturation(target: string, rows: SaturationRow[], size: number): SaturationPoint[] {
  const buckets = new Map<string, SaturationPoint>();
  for (const row of rows) {
    const t = Math.floor(row.t / size) * size;
    for (const m of SATURATION_METRICS) {
      const v = row[m.key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const key = `${m.key}@${t}`;
      const prev = buckets.get(key);
      if (!prev || v > prev.value) buckets.set(key, { target, t, metric: m.key, value: v });
    }
  }
  return [...buckets.values()];
}
