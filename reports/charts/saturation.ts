import type { SaturationRow } from '../../harness/results/format.ts';
import { fmtMs, fmtNum } from '../format.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import type { ChartContext } from './context.ts';
import { bucketSeconds } from './series.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, stageLayers, timeX, type ChartSection, type Spec } from './common.ts';

export type SaturationKey = 'cpuPct' | 'eldP99Ms' | 'rssMb';

/** Which process a reading is of: the target's tree, or the load generator while it drove that target. */
export const PROCESSES = ['server', 'load generator'] as const;
export type Process = (typeof PROCESSES)[number];

/** The saturation.json metrics, in the order drawn; each row may carry the generator's reading too. */
export const SATURATION_METRICS = [
  { key: 'cpuPct', gen: 'genCpuPct', title: 'CPU (% of one core)' },
  { key: 'eldP99Ms', gen: 'genEldP99Ms', title: 'event-loop delay p99 (ms)' },
  { key: 'rssMb', gen: null, title: 'server memory RSS (MB)' },
] as const satisfies readonly { key: SaturationKey; gen: keyof SaturationRow | null; title: string }[];

export interface SaturationPoint { target: string; t: number; metric: SaturationKey; process: Process; value: number }

/** One row per metric, all on the run's time axis: is the server busy, blocked or growing, and was the generator? */
export function saturationSpec(ctx: ChartContext, points: SaturationPoint[]): Spec {
  const metrics = SATURATION_METRICS.filter((m) => points.some((p) => p.metric === m.key));
  const withGen = points.some((p) => p.process === 'load generator');
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
            strokeDash: {
              field: 'process', type: 'nominal', title: 'process',
              scale: { domain: [...PROCESSES], range: [[1, 0], [5, 3]] },
              legend: withGen ? {} : null,
            },
            detail: { field: 'process' },
            tooltip: [{ field: 'target' }, { field: 'process' }, { field: 't', title: 'second' }, { field: 'value', title: m.title }],
          },
        },
      ],
    })),
    resolve: { scale: { x: 'shared', color: 'shared', strokeDash: 'shared' } },
  };
}

/** Long runs: the worst value of each `size`-second bucket, like the latency series. */
export function bucketSaturation(target: string, rows: SaturationRow[], size: number): SaturationPoint[] {
  const buckets = new Map<string, SaturationPoint>();
  for (const row of rows) {
    const t = Math.floor(row.t / size) * size;
    for (const m of SATURATION_METRICS) {
      const readings: [Process, unknown][] = [['server', row[m.key]], ['load generator', m.gen ? row[m.gen] : null]];
      for (const [process, v] of readings) {
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        const key = `${m.key}@${process}@${t}`;
        const prev = buckets.get(key);
        if (!prev || v > prev.value) buckets.set(key, { target, t, metric: m.key, process, value: v });
      }
    }
  }
  return [...buckets.values()];
}

/** Per target, the manifest's judgement of the generator: "express-dev: peak CPU 45%, ELD p99 12 ms". */
export function generatorNote(run: RunData): string {
  const parts = run.targets.flatMap((t) => {
    const g = t.entry.generator;
    if (!g) return [];
    const peaks = `peak CPU ${g.peakCpuPct === null ? '–' : `${fmtNum(g.peakCpuPct)}%`}, event-loop delay p99 ${fmtMs(g.peakEldP99Ms)}`;
    return [`${t.entry.name}: ${peaks}${g.saturated ? ` — SATURATED${g.reason ? ` (${g.reason})` : ''}, latencies suspect` : ''}`];
  });
  return parts.length ? ` Load generator while driving each target: ${parts.join('; ')}.` : '';
}

export const saturationSection: ChartSection = {
  id: 'chart-saturation',
  title: 'Server and load-generator resources',
  caption: (run) => 'From saturation.json: CPU, event-loop delay and memory of each target\'s process tree (solid), and CPU and event-loop delay '
    + 'of the load generator while it drove that target (dashed). A busy generator delays requests itself, so the latencies it measured overstate the server\'s.'
    + generatorNote(run),
  build: (run, ctx) => {
    const size = bucketSeconds(Math.max(0, ...run.targets.map((t) => t.saturation?.length ?? 0)));
    const points = run.targets.flatMap((t) => bucketSaturation(t.entry.name, t.saturation ?? [], size));
    return points.length ? saturationSpec(ctx, points) : null;
  },
};
