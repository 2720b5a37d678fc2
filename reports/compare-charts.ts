import type { CompareFile, CompareTarget } from '../harness/results/format.ts';
import type { ChartContext } from './charts/context.ts';
import { kneeSpec, type KneePoint } from './charts/knee.ts';
import { spectrumSpec, stageSpectrumSpec, type SpectrumRow } from './charts/spectrum.ts';
import { stageLabel } from './format.ts';
import { html, type Html } from './html.ts';
import type { Spec } from './charts/common.ts';
import { chartFigure } from './sections/charts.ts';

/** Base grey, new blue: the same two colours as the p95 chart. */
export const SIDE_COLORS = ['#7f7f7f', '#1f77b4'] as const;

export const sideLabels = (f: Pick<CompareFile, 'base' | 'new'>) => ({ base: `base ${f.base.runId}`, new: `new ${f.new.runId}` });

/**
 * The single-run charts (reports/charts/knee.ts, spectrum.ts) colour by `target`: here the two
 * "targets" are the two sides, so the same specs overlay base and new.
 */
function sideContext(t: CompareTarget, labels: { base: string; new: string }): ChartContext {
  return {
    targets: [{ name: labels.base, color: SIDE_COLORS[0], hasData: true }, { name: labels.new, color: SIDE_COLORS[1], hasData: true }],
    stages: t.stages.map((s) => ({ index: s.index, label: stageLabel(s.index), at: 0, steadyFrom: 0, end: 0 })),
    duration: 0,
    model: 'closed',
  };
}

type Obj = Record<string, unknown>;

/**
 * The single-run specs say "target" and (spectra) dash the corrected view; here the colour is the
 * run, and base is dashed so that it shows where new lies on top of it.
 */
function asRuns(spec: Spec, labels: { base: string; new: string }): Spec {
  const dash = { field: 'target', type: 'nominal', title: 'run', scale: { domain: [labels.base, labels.new], range: [[5, 3], [1, 0]] } };
  const fix = (o: Obj) => {
    const enc = o.encoding as Obj | undefined;
    if (!enc?.color) return;
    enc.color = { ...(enc.color as Obj), title: 'run' };
    if (o.mark === 'line' || (o.mark as Obj | undefined)?.type === 'line') enc.strokeDash = dash;
    if (Array.isArray(enc.tooltip)) enc.tooltip = (enc.tooltip as Obj[]).filter((t) => t.field !== 'view').map((t) => (t.field === 'target' ? { ...t, title: 'run' } : t));
  };
  fix(spec);
  for (const layer of (spec.layer as Obj[] | undefined) ?? []) fix(layer);
  if (spec.spec) fix(spec.spec as Obj);
  return spec;
}

/** One point per side and stage: median req/s against median p95 across repeats. */
export function kneePoints(t: CompareTarget, labels: { base: string; new: string }): KneePoint[] {
  return t.stages.flatMap((s) => {
    const p95 = s.cells.find((c) => c.metric === 'p95');
    const rps = s.cells.find((c) => c.metric === 'rps');
    if (!p95 || !rps) return [];
    return (['base', 'new'] as const).flatMap((side) => {
      const y = p95[side], x = rps[side];
      return y === null || x === null ? [] : [{ target: labels[side], index: s.index, stage: stageLabel(s.index), rps: x, p95: y }];
    });
  });
}

export function spectrumRows(t: CompareTarget, labels: { base: string; new: string }, stage: 'run' | 'stages'): SpectrumRow[] {
  return (t.spectra ?? []).filter((s) => (stage === 'run' ? s.stage === null : s.stage !== null)).flatMap((s) =>
    s.points.filter((p) => p.ms > 0).map((p) => ({ target: labels[s.side], view: 'raw' as const, ...(s.stage === null ? {} : { stage: stageLabel(s.stage) }), ...p })));
}

/** The overlays of one target after its p95 chart: the knee, and the percentile spectra (whole run, per stage). */
export function overlayCharts(t: CompareTarget, i: number, labels: { base: string; new: string }): Html[] {
  const ctx = sideContext(t, labels);
  const out: Html[] = [];
  const knee = kneePoints(t, labels);
  if (knee.length) {
    out.push(chartFigure(`compare-knee-${i}`, 'Latency against throughput (the knee), base and new',
      'One point per stage and run: median req/s across repeats against median p95. A change that moves the knee right (more req/s before p95 shoots up) is an improvement.', asRuns(kneeSpec(ctx, knee, []), labels)));
  }
  const run = spectrumRows(t, labels, 'run');
  if (run.length) {
    out.push(chartFigure(`compare-spectrum-${i}`, 'Latency by percentile (whole run), base and new',
      'HDR percentile spectrum of every successful response, all counted repeats of a side merged: read across to see what 1 request in 10, 100, 1000… waited at least.', asRuns(spectrumSpec(ctx, run), labels)));
  }
  const stages = spectrumRows(t, labels, 'stages');
  if (stages.length) {
    out.push(chartFigure(`compare-spectrum-stages-${i}`, 'Latency by percentile per stage, base and new',
      'The same spectrum for the steady part of each stage.', asRuns(stageSpectrumSpec(ctx, stages), labels)));
  }
  return out.length ? out : [html``];
}
