import type { ChartContext } from './context.ts';
import type { RunData } from '../../harness/results/run-data.ts';

/**
 * A vega-lite spec as plain JSON. vega-lite's TS types fight composed layers, so the specs are
 * checked where it counts instead: the tests compile every one with vega-lite.
 */
export type Spec = Record<string, unknown>;
type Obj = Record<string, unknown>;

export const CHART_WIDTH = 680;

/** The page section a chart appears in: the profile run's Charts, or the section of a mode. */
export type ChartPlace = 'charts' | 'spread' | 'capacity' | 'knee' | 'fairness';

/**
 * One chart on the page: a module exporting one of these, listed once in charts/index.ts, is all
 * a new chart needs; the page sections draw whatever the registry holds for their place.
 */
export interface ChartSection {
  /** Stable DOM id. */
  id: string;
  title: string;
  /** Where it appears. @default 'charts' */
  place?: ChartPlace;
  /** What to look for, in one sentence. */
  caption: (run: RunData, ctx: ChartContext) => string;
  /** null when the run has no data for this chart (the chart is then left out, or `empty` says why). */
  build: (run: RunData, ctx: ChartContext) => Spec | null;
  /** Shown in the chart's place when `build` gives null; absent: left out without a word. */
  empty?: (run: RunData) => string | null;
}

export const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee', domainColor: '#999', tickColor: '#999' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 200, orient: 'right' },
  title: { fontSize: 12, fontWeight: 'normal', anchor: 'start' },
} as const;

/** Every target keeps its colour on every chart; the legend lists only targets that have data. */
export function colorEncoding(ctx: ChartContext): Obj {
  return {
    field: 'target', type: 'nominal', title: 'target',
    scale: { domain: ctx.targets.map((t) => t.name), range: ctx.targets.map((t) => t.color) },
    legend: { values: ctx.targets.filter((t) => t.hasData).map((t) => t.name) },
  };
}

/** The shared time axis: the profile's whole length, even if a target stopped early. */
export function timeX(ctx: ChartContext, axis = true): Obj {
  return {
    field: 't', type: 'quantitative', title: 'time since start (s)',
    scale: { domain: [0, ctx.duration], nice: false, zero: true },
    axis: axis ? { format: 'd', tickMinStep: 1 } : null,
  };
}

/** Stage boundaries for a time chart: ramp shading, a rule at each stage start and its label. */
export function stageLayers(ctx: ChartContext): Obj[] {
  const values = ctx.stages.map((s) => ({ t: s.at, t2: s.steadyFrom, stage: s.label }));
  const x = { field: 't', type: 'quantitative' };
  return [
    { data: { values }, mark: { type: 'rect', color: '#000', opacity: 0.05 }, encoding: { x, x2: { field: 't2' } } },
    { data: { values }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x } },
    {
      data: { values },
      mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 10, color: '#666' },
      encoding: { x, y: { value: 0 }, text: { field: 'stage' } },
    },
  ];
}

/** A time chart: stage layers behind the data layers, sized for the page. */
export function timeChart(ctx: ChartContext, layers: Obj[], height = 220): Spec {
  return {
    width: CHART_WIDTH, height, config: CONFIG,
    layer: [...stageLayers(ctx), ...layers],
  };
}
