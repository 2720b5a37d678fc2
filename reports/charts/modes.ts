import type { CapacityRow, KneeRow, SpreadFile } from '../../harness/results/format.ts';
import { fmtMs, fmtNum, stageLabel } from '../format.ts';
import { pctOf, stepsByRate } from '../modes.ts';
import type { ChartContext } from './context.ts';
import { CHART_WIDTH, CONFIG, type ChartSection, type Spec } from './common.ts';

type Obj = Record<string, unknown>;

/**
 * Target colours as on every other chart (manifest order), with a legend of only the targets
 * drawn here: capacity and knee runs have no series, so colorEncoding's "has data" is no guide.
 */
export function shownColors(ctx: ChartContext, shown: readonly string[], legend = true): Obj {
  const known = ctx.targets.map((t) => t.name);
  const extra = shown.filter((n) => !known.includes(n));
  return {
    field: 'target', type: 'nominal', title: 'target',
    scale: { domain: [...known, ...extra], range: [...ctx.targets.map((t) => t.color), ...extra.map(() => '#888888')] },
    legend: legend ? { values: [...new Set(shown)], symbolOpacity: 1 } : null,
  };
}

// ---- spread (--repeat) ----

export interface SpreadDot { target: string; stage: string; repeat: number; p95: number }
export interface SpreadBar { target: string; stage: string; n: number; min: number; median: number; max: number }

export function spreadRows(file: SpreadFile): { dots: SpreadDot[]; bars: SpreadBar[] } {
  const dots: SpreadDot[] = [];
  const bars: SpreadBar[] = [];
  for (const t of file.targets) {
    for (const s of t.stages ?? []) {
      const stage = stageLabel(s.index);
      (s.values?.p95 ?? []).forEach((v, i) => {
        if (typeof v === 'number' && v > 0) dots.push({ target: t.name, stage, repeat: s.repeats?.[i] ?? i + 1, p95: v });
      });
      if (s.p95 && s.p95.min > 0) bars.push({ target: t.name, stage, n: s.n, ...s.p95 });
    }
  }
  return { dots, bars };
}

/** Per stage and target: a dot per repeat's p95, a thin rule from min to max and a bar-wide tick at the median. */
export function spreadSpec(ctx: ChartContext, stages: string[], dots: SpreadDot[], bars: SpreadBar[]): Spec {
  const targets = [...new Set([...bars.map((b) => b.target), ...dots.map((d) => d.target)])];
  const x = { field: 'stage', type: 'ordinal', title: 'stage', sort: stages, scale: { domain: stages, paddingInner: 0.25 }, axis: { labelAngle: 0 } };
  const xOffset = { field: 'target', type: 'nominal', scale: { domain: targets, paddingInner: 0.2 } };
  const values = [...dots.map((d) => d.p95), ...bars.flatMap((b) => [b.min, b.max])];
  // Log scale with some room either side, so a dot at the extreme does not sit on the axis.
  const domain = [Math.min(...values) / 1.4, Math.max(...values) * 1.4];
  const y = { field: 'p95', type: 'quantitative', title: 'p95 latency (ms, log scale)', scale: { type: 'log', nice: false, domain } };
  const color = shownColors(ctx, targets);
  return {
    width: CHART_WIDTH, height: 240, config: CONFIG,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rule', strokeWidth: 2, opacity: 0.5 },
        encoding: { x, xOffset, y: { ...y, field: 'min' }, y2: { field: 'max' }, color },
      },
      {
        data: { values: bars },
        mark: { type: 'tick', thickness: 2, size: 26, color: '#222' },
        encoding: {
          x, xOffset, y: { ...y, field: 'median' },
          tooltip: [{ field: 'target' }, { field: 'stage' }, { field: 'n', title: 'repeats' }, { field: 'min', title: 'p95 min (ms)' }, { field: 'median', title: 'p95 median (ms)' }, { field: 'max', title: 'p95 max (ms)' }],
        },
      },
      {
        data: { values: dots },
        mark: { type: 'point', filled: true, size: 70, opacity: 1, stroke: '#fff', strokeWidth: 1 },
        encoding: {
          x, xOffset, y, color,
          tooltip: [{ field: 'target' }, { field: 'stage' }, { field: 'repeat' }, { field: 'p95', title: 'p95 (ms)' }],
        },
      },
    ],
  };
}

// ---- capacity (--capacity) ----

export interface CapacityBar { target: string; rps: number; theory: number | null; label: string }

export function capacityBars(rows: readonly CapacityRow[]): CapacityBar[] {
  return rows.filter((r) => r.rps !== null).map((r) => {
    const pct = pctOf(r.rps, r.theoreticalRps);
    return {
      target: r.name, rps: r.rps ?? 0, theory: r.theoreticalRps,
      label: `${fmtNum(r.rps)} req/s${r.theoreticalRps !== null ? ` of ${fmtNum(r.theoreticalRps)} (${pct}%)` : ''}`,
    };
  });
}

/** One horizontal bar per target (measured req/s) with a black tick at its theoretical req/s. */
export function capacitySpec(ctx: ChartContext, bars: CapacityBar[]): Spec {
  const targets = bars.map((b) => b.target);
  const y = { field: 'target', type: 'nominal', title: null, sort: targets, axis: { labelLimit: 220 } };
  const max = Math.max(1, ...bars.flatMap((b) => [b.rps, b.theory ?? 0]));
  const x = { field: 'rps', type: 'quantitative', title: 'successful req/s', scale: { domain: [0, max * 1.35], nice: false } };
  return {
    width: CHART_WIDTH - 140, height: { step: 34 }, config: CONFIG,
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.6 } },
        encoding: {
          y, x, color: shownColors(ctx, targets, false),
          tooltip: [{ field: 'target' }, { field: 'rps', title: 'measured req/s' }, { field: 'theory', title: 'theoretical req/s' }],
        },
      },
      {
        transform: [{ filter: 'datum.theory != null' }],
        mark: { type: 'tick', color: '#111', thickness: 3, size: 30 },
        encoding: { y, x: { ...x, field: 'theory' }, tooltip: [{ field: 'target' }, { field: 'theory', title: 'theoretical req/s' }] },
      },
      {
        transform: [{ calculate: 'max(datum.rps, datum.theory || 0)', as: 'end' }],
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 11, color: '#333' },
        encoding: { y, x: { ...x, field: 'end' }, text: { field: 'label' } },
      },
    ],
  };
}

// ---- knee search (--knee) ----

export interface KneeStepPoint {
  target: string; order: number; rate: number; p95: number; noResponse: boolean; achieved: number; outcome: 'held' | 'broke';
  dropped: number; errors: number; p95Text: string;
}
export interface KneeRule { target: string; rate: number; label: string }

export function kneeSteps(rows: readonly KneeRow[]): KneeStepPoint[] {
  const top = Math.max(1, ...rows.flatMap((r) => [r.sloMs, ...r.steps.map((s) => s.p95 ?? 0)])) * 1.6;
  return rows.flatMap((r) => stepsByRate(r.steps).map((s) => ({
    target: r.name, order: s.order, rate: s.rate, p95: s.p95 ?? top, noResponse: s.p95 === null, achieved: s.achievedRps,
    outcome: s.ok ? 'held' as const : 'broke' as const, dropped: s.dropped, errors: s.errors, p95Text: s.p95 === null ? 'no successful response' : fmtMs(s.p95),
  })));
}

/**
 * Top: offered rate against p95 (log), the SLO as a red rule, held steps as dots and broken
 * ones as crosses, joined in rate order; dashed rules at each target's theoretical rate.
 * Bottom: offered against served, with the diagonal a server that keeps up stays on.
 */
export function kneeSearchSpec(ctx: ChartContext, points: KneeStepPoint[], slos: number[], theory: KneeRule[]): Spec {
  const targets = [...new Set(points.map((p) => p.target))];
  const maxRate = Math.max(1, ...points.map((p) => p.rate), ...theory.map((t) => t.rate)) * 1.05;
  const x = { field: 'rate', type: 'quantitative', title: 'offered arrival rate (req/s)', scale: { domain: [0, maxRate], nice: false } };
  const color = shownColors(ctx, targets);
  const shape = { field: 'outcome', type: 'nominal', title: 'step', scale: { domain: ['held', 'broke'], range: ['circle', 'cross'] } };
  const tooltip = [
    { field: 'target' }, { field: 'order', title: 'step #' }, { field: 'rate', title: 'offered req/s' }, { field: 'achieved', title: 'served req/s' },
    { field: 'p95Text', title: 'p95' }, { field: 'errors' }, { field: 'dropped' }, { field: 'outcome' },
  ];
  const theoryLayers: Obj[] = theory.length ? [
    { data: { values: theory }, mark: { type: 'rule', strokeDash: [6, 4], opacity: 0.8 }, encoding: { x, color } },
    {
      data: { values: theory },
      mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -3, fontSize: 10 },
      encoding: { x, y: { value: 0 }, text: { field: 'label' }, color },
    },
  ] : [];
  return {
    config: CONFIG,
    vconcat: [
      {
        width: CHART_WIDTH, height: 240,
        layer: [
          ...theoryLayers,
          {
            data: { values: slos.map((ms) => ({ ms, label: `p95 SLO ${fmtMs(ms)}` })) },
            layer: [
              { mark: { type: 'rule', color: '#c62828', strokeDash: [4, 3] }, encoding: { y: { field: 'ms', type: 'quantitative' } } },
              { mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, x: 'width', fontSize: 10, color: '#c62828' }, encoding: { y: { field: 'ms', type: 'quantitative' }, text: { field: 'label' } } },
            ],
          },
          {
            data: { values: points },
            layer: [
              { mark: { type: 'line', strokeWidth: 1, opacity: 0.6 }, encoding: { x, y: { field: 'p95', type: 'quantitative' }, color, order: { field: 'rate', type: 'quantitative' } } },
              {
                mark: { type: 'point', size: 90, filled: true, opacity: 1 },
                encoding: { x, y: { field: 'p95', type: 'quantitative', title: 'p95 latency (ms, log scale)', scale: { type: 'log', nice: false } }, color, shape, tooltip },
              },
            ],
          },
        ],
        resolve: { scale: { y: 'shared' } },
      },
      {
        width: CHART_WIDTH, height: 150,
        layer: [
          ...theoryLayers.slice(0, 1),
          { data: { values: [{ rate: 0, achieved: 0 }, { rate: maxRate, achieved: maxRate }] }, mark: { type: 'line', color: '#999', strokeDash: [2, 2] }, encoding: { x, y: { field: 'achieved', type: 'quantitative' } } },
          {
            data: { values: points },
            mark: { type: 'point', size: 70, filled: true, opacity: 1 },
            encoding: { x, y: { field: 'achieved', type: 'quantitative', title: 'served req/s' }, color, shape, tooltip },
          },
        ],
      },
    ],
    resolve: { scale: { x: 'shared', color: 'shared', shape: 'shared' } },
  };
}

// ---- knee steps, second by second (--knee, steady-state evidence) ----

export interface KneeTracePoint {
  step: string; order: number; rate: number; second: number; backlog: number; p95: number | null; outcome: 'held' | 'broke'; reason: string;
}

/** Each step's per-second backlog and p95, for steps written with the steady-state evidence. */
export function kneeTrace(r: KneeRow): KneeTracePoint[] {
  return r.steps.flatMap((s, i) => {
    const backlog = s.evidence?.backlog ?? [];
    const step = `#${i + 1} ${fmtNum(s.rate)} req/s`;
    return backlog.map((b, second) => ({
      step, order: i + 1, rate: s.rate, second, backlog: b, p95: s.p95PerSecond?.[second] ?? null,
      outcome: s.ok ? 'held' as const : 'broke' as const, reason: s.evidence?.reason ?? '',
    }));
  });
}

/**
 * One line per step, against the second within the step: top, requests offered and not yet
 * answered (a steady step stays level, an overloaded one climbs); bottom, per-second p95 with the
 * SLO. Colour follows the rate; broken or unsettled steps are dashed.
 */
export function kneeTraceSpec(points: KneeTracePoint[], sloMs: number): Spec {
  const x = { field: 'second', type: 'quantitative', title: 'second of the step' };
  const color = { field: 'rate', type: 'quantitative', title: 'offered req/s', scale: { scheme: 'viridis' } };
  const strokeDash = { field: 'outcome', type: 'nominal', title: 'step', scale: { domain: ['held', 'broke'], range: [[1, 0], [5, 3]] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2 } };
  const detail = { field: 'order', type: 'ordinal' };
  const tooltip = [{ field: 'step' }, { field: 'second' }, { field: 'backlog', title: 'backlog (requests)' }, { field: 'p95', title: 'p95 ms' }, { field: 'outcome' }, { field: 'reason' }];
  return {
    config: CONFIG,
    data: { values: points },
    vconcat: [
      {
        width: CHART_WIDTH - 120, height: 150,
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: { x, y: { field: 'backlog', type: 'quantitative', title: 'backlog (requests)' }, color, strokeDash, detail, tooltip },
      },
      {
        width: CHART_WIDTH - 120, height: 150,
        layer: [
          {
            transform: [{ filter: 'datum.p95 != null' }],
            mark: { type: 'line', point: true, strokeWidth: 1.5 },
            encoding: { x, y: { field: 'p95', type: 'quantitative', title: 'p95 per second (ms)' }, color, strokeDash, detail, tooltip },
          },
          { data: { values: [{ ms: sloMs }] }, mark: { type: 'rule', color: '#c62828', strokeDash: [4, 3] }, encoding: { y: { field: 'ms', type: 'quantitative' } } },
        ],
      },
    ],
    resolve: { scale: { x: 'shared' } },
  };
}

/** --repeat N: one dot per repeat and stage, the median and the min–max range. */
export const spreadChart: ChartSection = {
  id: 'chart-spread',
  place: 'spread',
  title: 'p95 of every repeat, per stage',
  caption: (run) => `One dot per repeat; the black tick is the median (the number the rest of the page uses), the thin bar spans min to max. Log scale: equal gaps are equal ratios. When two targets' ranges overlap, ${run.spread?.repeats ?? 'the'} repeats cannot tell them apart.`,
  build: (run, ctx) => {
    if (!run.spread) return null;
    const { dots, bars } = spreadRows(run.spread);
    const stages = [...new Set(run.spread.targets.flatMap((t) => (t.stages ?? []).map((s) => s.index)))].sort((a, b) => a - b).map(stageLabel);
    return dots.length ? spreadSpec(ctx, stages, dots, bars) : null;
  },
  empty: (run) => (run.spread ? 'No repeat measured a p95 to chart.' : null),
};

/** --capacity: measured req/s against the theory. */
export const capacityChart: ChartSection = {
  id: 'chart-capacity',
  place: 'capacity',
  title: 'Measured against theoretical throughput',
  caption: () => 'Bars: successful req/s measured with every connection sending as soon as it was answered. Black tick: theoretical req/s (see "Capacity theory" under The run), where one applies.',
  build: (run, ctx) => {
    const bars = run.capacity ? capacityBars(run.capacity) : [];
    return bars.length ? capacitySpec(ctx, bars) : null;
  },
  empty: (run) => (run.capacity ? 'No target was measured.' : null),
};

/** --knee: the search's steps, the SLO and the theory. */
export const kneeSearchChart: ChartSection = {
  id: 'chart-knee-search',
  place: 'knee',
  title: 'Knee search: offered rate against p95',
  caption: () => 'Each step held one arrival rate for a few seconds (open model, latency timed from when each request was due). Dots held, crosses broke; red rule: the p95 SLO; dashed: theoretical req/s. Lower panel: req/s served against offered, the dotted diagonal is keeping up. A step with no successful response is drawn at the top.',
  build: (run, ctx) => {
    const rows = run.knee ?? [];
    const points = kneeSteps(rows);
    if (!points.length) return null;
    const theory = rows.filter((r) => r.theoreticalRps !== null && r.steps.length > 0).map((r) => ({ target: r.name, rate: r.theoreticalRps!, label: `theoretical ${fmtNum(r.theoreticalRps)}` }));
    return kneeSearchSpec(ctx, points, [...new Set(rows.map((r) => r.sloMs))], theory);
  },
  empty: (run) => (run.knee ? 'No step was measured.' : null),
};
