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

/** null: no reading in that bucket; the line is broken there instead of drawn straight across. */
export interface SaturationPoint { target: string; t: number; metric: SaturationKey; process: Process; value: number | null }

/**
 * Seconds in which a target that does answer the event-loop-delay poll did not: its loop was too
 * busy to serve even the admin path. Not missing data but a finding, so the chart marks them.
 */
export interface EldGap { target: string; t: number; seconds: number }

/** One row per metric, all on the run's time axis: is the server busy, blocked or growing, and was the generator? */
export function saturationSpec(ctx: ChartContext, points: SaturationPoint[], gaps: EldGap[] = []): Spec {
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
          // A null reading breaks the line: a straight segment across it would invent readings.
          mark: { type: 'line', strokeWidth: 1.5, invalid: 'break-paths-show-domains' },
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
        ...(m.key === 'eldP99Ms' && gaps.length ? [{
          data: { values: gaps.map((g) => ({ ...g, what: 'loop too busy to answer the event-loop-delay poll' })) },
          mark: { type: 'point', shape: 'triangle-down', filled: true, size: 70, opacity: 0.9 },
          encoding: {
            x: timeX(ctx),
            y: { value: 4 },
            color: colorEncoding(ctx),
            tooltip: [{ field: 'target' }, { field: 't', title: 'from second' }, { field: 'seconds', title: 'seconds without an answer' }, { field: 'what', title: 'finding' }],
          },
        }] : []),
      ],
    })),
    resolve: { scale: { x: 'shared', color: 'shared', strokeDash: 'shared' } },
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Long runs: the worst value of each `size`-second bucket, like the latency series. A bucket with
 * no reading of a metric that has readings elsewhere is a null point, so the line breaks there; a
 * metric never read at all (a process that has no such figure) is left out.
 */
export function bucketSaturation(target: string, rows: SaturationRow[], size: number): SaturationPoint[] {
  const buckets = new Map<string, SaturationPoint>();
  for (const m of SATURATION_METRICS) {
    for (const [process, field] of [['server', m.key], ['load generator', m.gen]] as [Process, keyof SaturationRow | null][]) {
      if (!field || !rows.some((r) => isNum(r[field]))) continue;
      for (const row of rows) {
        const t = Math.floor(row.t / size) * size;
        const v = row[field];
        const key = `${m.key}@${process}@${t}`;
        const prev = buckets.get(key);
        if (!prev) buckets.set(key, { target, t, metric: m.key, process, value: isNum(v) ? v : null });
        else if (isNum(v) && (prev.value === null || v > prev.value)) prev.value = v;
      }
    }
  }
  return [...buckets.values()].sort((a, b) => a.t - b.t);
}

/**
 * The runs of seconds in which a target that answered the event-loop-delay poll at some point did
 * not; none for a target that never answered (it has no such figure at all).
 */
export function eldGaps(target: string, rows: SaturationRow[]): EldGap[] {
  if (!rows.some((r) => isNum(r.eldP99Ms))) return [];
  const gaps: EldGap[] = [];
  for (const r of rows) {
    if (isNum(r.eldP99Ms)) continue;
    const last = gaps[gaps.length - 1];
    if (last && last.t + last.seconds === r.t) last.seconds++;
    else gaps.push({ target, t: r.t, seconds: 1 });
  }
  return gaps;
}

/** Per target, the manifest's judgement of the generator: "express-dev: peak CPU 45%, ELD p99 12 ms". */
export function generatorNote(run: RunData): string {
  const parts = run.targets.flatMap((t) => {
    const g = t.entry.generator;
    if (!g) return [];
    const threads = g.threads ? ` over ${g.threads} generator threads (each judged on its own event loop and CPU: generators.json)` : '';
    const peaks = `peak CPU ${g.peakCpuPct === null ? '–' : `${fmtNum(g.peakCpuPct)}%`}${threads}, event-loop delay p99 ${fmtMs(g.peakEldP99Ms)}`;
    return [`${t.entry.name}: ${peaks}${g.saturated ? ` — SATURATED${g.reason ? ` (${g.reason})` : ''}, latencies suspect` : ''}`];
  });
  return parts.length ? ` Load generator while driving each target: ${parts.join('; ')}.` : '';
}

/** "▼ express-dev: 6 s (from 12 s)": the ELD gaps in words, per target. */
export function eldGapNote(run: RunData): string {
  const parts = run.targets.flatMap((t) => {
    const gaps = eldGaps(t.entry.name, t.saturation ?? []);
    const total = gaps.reduce((n, g) => n + g.seconds, 0);
    return total ? [`${t.entry.name} ${fmtNum(total)} s (from ${gaps.map((g) => `${fmtNum(g.t)} s`).join(', ')})`] : [];
  });
  return parts.length
    ? ` ▼ and a break in the event-loop-delay line: seconds in which the target's loop was too busy to answer the poll at all, which is itself a finding: ${parts.join('; ')}.`
    : '';
}

/** Event-loop delay is a Node reading: other runtimes get "n/a" in words rather than an empty line. */
export function eldNote(run: RunData): string {
  const other = run.targets.filter((t) => t.entry.runtime !== undefined && t.entry.runtime !== 'node');
  const names = [...new Set(other.map((t) => `${t.entry.name} (${t.entry.runtime})`))];
  return names.length ? ` Event-loop delay: n/a for ${names.join(', ')}: not a Node server, so there is no event loop to read.` : '';
}

export const saturationSection: ChartSection = {
  id: 'chart-saturation',
  title: 'Server and load-generator resources',
  caption: (run) => 'From saturation.json: CPU, event-loop delay and memory of each target\'s process tree (solid), and CPU and event-loop delay '
    + 'of the load generator while it drove that target (dashed). A busy generator delays requests itself, so the latencies it measured overstate the server\'s.'
    + eldGapNote(run)
    + generatorNote(run) + eldNote(run),
  build: (run, ctx) => {
    const size = bucketSeconds(Math.max(0, ...run.targets.map((t) => t.saturation?.length ?? 0)));
    const points = run.targets.flatMap((t) => bucketSaturation(t.entry.name, t.saturation ?? [], size));
    const gaps = run.targets.flatMap((t) => eldGaps(t.entry.name, t.saturation ?? []));
    return points.length ? saturationSpec(ctx, points, gaps) : null;
  },
};
