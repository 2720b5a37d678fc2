import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { ChartContext } from './context.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, type ChartSection, type Spec } from './common.ts';
import { SPECTRUM_MAX_NINES, ninesLabelExpr, spectrum, type SpectrumPoint } from './spectrum-math.ts';
import { stageLabel } from '../format.ts';

export interface SpectrumRow extends SpectrumPoint {
  target: string;
  /** 'raw' service latency, or 'corrected' for coordinated omission (closed model). */
  view: 'raw' | 'corrected';
  stage?: string;
}

/**
 * harness/results/load.ts has decoded every histogram already and turned a bad one into a note in
 * the report, so this guard only keeps a hand-built RunData from breaking the whole page.
 */
export function spectrumOf(base64: string | null | undefined): SpectrumPoint[] {
  if (!base64) return [];
  try {
    return spectrum(decodeFromCompressedBase64(base64));
  } catch {
    return [];
  }
}

export function ninesAxis(rows: SpectrumPoint[]): Record<string, unknown> {
  const top = Math.min(SPECTRUM_MAX_NINES, Math.max(1, Math.ceil(Math.max(0, ...rows.map((r) => r.nines)))));
  return {
    field: 'nines', type: 'quantitative', title: 'percentile',
    scale: { domain: [0, top], nice: false },
    axis: { values: Array.from({ length: top + 1 }, (_, i) => i), labelExpr: ninesLabelExpr() },
  };
}

const tooltip = [
  { field: 'target' }, { field: 'pct', title: 'percentile' }, { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
];

/** Whole-run HDR percentile spectrum: x in nines, so the tail gets as much room as the median. */
export function spectrumSpec(ctx: ChartContext, rows: SpectrumRow[]): Spec {
  return {
    width: CHART_WIDTH, height: 260, config: CONFIG,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: ninesAxis(rows),
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log', nice: false } },
      color: colorEncoding(ctx),
      strokeDash: {
        field: 'view', type: 'nominal', title: 'view',
        scale: { domain: ['raw', 'corrected'], range: [[1, 0], [5, 3]] },
      },
      tooltip: [...tooltip, { field: 'view' }],
    },
  };
}

/** The same spectrum per stage, one small panel per stage on shared axes. */
export function stageSpectrumSpec(ctx: ChartContext, rows: SpectrumRow[]): Spec {
  const columns = Math.min(4, Math.max(1, ctx.stages.length));
  return {
    config: CONFIG,
    data: { values: rows },
    columns,
    facet: { field: 'stage', type: 'ordinal', title: null, sort: ctx.stages.map((s) => s.label) },
    spec: {
      width: Math.floor(CHART_WIDTH / columns) - 40, height: 160,
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: ninesAxis(rows),
        y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log', nice: false } },
        color: colorEncoding(ctx),
        tooltip: [...tooltip, { field: 'stage' }],
      },
    },
  };
}

const rowsOf = (target: string, view: SpectrumRow['view'], pts: SpectrumPoint[], stage?: string): SpectrumRow[] =>
  pts.filter((p) => p.ms > 0).map((p) => ({ target, view, ...(stage ? { stage } : {}), ...p }));

function runRows(run: RunData): SpectrumRow[] {
  return run.targets.flatMap((t) => [
    ...rowsOf(t.entry.name, 'raw', spectrumOf(t.histograms?.run)),
    ...rowsOf(t.entry.name, 'corrected', spectrumOf(t.histograms?.runCorrected)),
  ]);
}

export const spectrumSection: ChartSection = {
  id: 'chart-spectrum',
  title: 'Latency by percentile (whole run)',
  caption: (run) => `HDR percentile spectrum of every successful response (warm-up excluded${run.profile.model === 'open' ? '; open model: timed from each arrival\'s intended send time' : ''}): `
    + 'read across to see what 1 request in 10, 100, 1000… waited at least.'
    + (run.targets.some((t) => t.histograms?.runCorrected) ? ' Dashed: corrected for coordinated omission (what requests would have seen had users not waited for slow responses).' : ''),
  build: (run, ctx) => {
    const rows = runRows(run);
    return rows.length ? spectrumSpec(ctx, rows) : null;
  },
};

export const stageSpectrumSection: ChartSection = {
  id: 'chart-spectrum-stages',
  title: 'Latency by percentile, per stage',
  caption: () => 'The same spectrum for the steady part of each stage (raw service latency): watch where each target\'s curve lifts off.',
  build: (run, ctx) => {
    const rows = run.targets.flatMap((t) => (t.histograms?.stages ?? []).flatMap((s) =>
      rowsOf(t.entry.name, 'raw', spectrumOf(s.raw), stageLabel(s.index))));
    return rows.length ? stageSpectrumSpec(ctx, rows) : null;
  },
};
