import * as hdr from 'hdr-histogram-js';
import { compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntervalRow } from '../../harness/results/format.ts';
import { CHART_SECTIONS } from '../../reports/charts/index.ts';
import { chartContext, type ChartContext } from '../../reports/charts/context.ts';
import { stackErrors } from '../../reports/charts/errors.ts';
import { dropSentence, dropsByCause } from '../../reports/charts/drops.ts';
import { kneeSpec } from '../../reports/charts/knee.ts';
import { latencyOverTimeSpec } from '../../reports/charts/latency.ts';
import { downsample, bucketSeconds, MAX_SERIES_POINTS } from '../../reports/charts/series.ts';
import { ninesLabel, ninesLabelExpr, ninesOf, quantileOfNines, spectrum } from '../../reports/charts/spectrum-math.ts';
import { stageP95Spec } from '../../reports/charts/stage-p95.ts';
import { loadRun } from '../../harness/results/load.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { tempFixtureRun } from './helpers.ts';
import { renderReport } from '../../reports/render.ts';

type Obj = Record<string, any>;

const ctx: ChartContext = {
  targets: [{ name: 'a', color: '#111111', hasData: true }, { name: 'b', color: '#222222', hasData: false }],
  stages: [
    { index: 0, label: 'S1', at: 0, steadyFrom: 1, end: 5 },
    { index: 1, label: 'S2', at: 5, steadyFrom: 6, end: 10 },
  ],
  duration: 10,
  model: 'closed',
};

/** Every unit spec inside a layered / concatenated / faceted spec. */
function units(spec: Obj): Obj[] {
  if (spec.layer) return spec.layer.flatMap(units);
  if (spec.vconcat) return spec.vconcat.flatMap(units);
  if (spec.spec) return units(spec.spec);
  return [spec];
}
const markType = (u: Obj) => (typeof u.mark === 'string' ? u.mark : u.mark?.type);
const stageRules = (spec: Obj) => units(spec).filter((u) => markType(u) === 'rule' && u.data?.values?.[0]?.stage !== undefined);

describe('percentile spectrum maths', () => {
  it('turns quantiles into numbers of nines and back', () => {
    expect(ninesOf(0)).toBe(0);
    expect(ninesOf(0.9)).toBeCloseTo(1, 12);
    expect(ninesOf(0.99)).toBeCloseTo(2, 12);
    expect(ninesOf(0.999)).toBeCloseTo(3, 12);
    expect(ninesOf(0.5)).toBeCloseTo(0.30103, 5);
    expect(quantileOfNines(2)).toBeCloseTo(0.99, 12);
    expect(quantileOfNines(ninesOf(0.9999))).toBeCloseTo(0.9999, 12);
  });

  it('labels whole nines as percentiles', () => {
    expect([0, 1, 2, 3, 4].map(ninesLabel)).toEqual(['0%', '90%', '99%', '99.9%', '99.99%']);
    const expr = ninesLabelExpr(4);
    expect(expr).toContain("datum.value == 3 ? '99.9%'");
    expect(expr).toContain("datum.value == 0 ? '0%'");
  });

  it('walks a histogram from the median to its maximum', () => {
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
    for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
    const pts = spectrum(h, 0.5);
    expect(pts.map((p) => p.nines)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    const at = (n: number) => pts.find((p) => p.nines === n)!;
    expect(at(0).ms).toBeCloseTo(1, 1);
    expect(at(1).ms).toBeCloseTo(900, -1); // 90% of 1..1000 ms
    expect(at(2).ms).toBeCloseTo(990, -1);
    expect(at(3).ms).toBeCloseTo(1000, -1); // log10(1000 values) = 3 nines: the maximum
    expect(at(2).pct).toBe('99%');
    expect(spectrum(hdr.build())).toEqual([]);
  });
});

describe('spec builders', () => {
  it('latency over time: log y, a colour per target, a dash per percentile, stage rules', () => {
    const spec = latencyOverTimeSpec(ctx, [{ target: 'a', t: 0, percentile: 'p95', ms: 80 }]) as Obj;
    const line = units(spec).find((u) => markType(u) === 'line')!;
    expect(line.encoding.y.scale.type).toBe('log');
    expect(line.encoding.x.scale.domain).toEqual([0, 10]);
    expect(line.encoding.color.scale).toEqual({ domain: ['a', 'b'], range: ['#111111', '#222222'] });
    expect(line.encoding.color.legend.values).toEqual(['a']);
    expect(line.encoding.strokeDash.scale.domain).toEqual(['p50', 'p95', 'p99']);
    expect(stageRules(spec)[0]!.data.values.map((v: Obj) => v.t)).toEqual([0, 5]);
  });

  it('p95 per stage: bars grouped by stage, offset by target', () => {
    const spec = stageP95Spec(ctx, [{ target: 'a', stage: 'S1', users: 8, rps: 9, p95: 100 }]) as Obj;
    expect(spec.encoding.x.field).toBe('stage');
    expect(spec.encoding.x.sort).toEqual(['S1', 'S2']);
    expect(spec.encoding.xOffset.field).toBe('target');
    expect(units(spec).map(markType)).toContain('bar');
  });

  it('knee: stage throughput against p95, points joined in stage order, capacity rules', () => {
    const spec = kneeSpec(ctx, [{ target: 'a', index: 0, stage: 'S1', rps: 9, p95: 100 }], [{ target: 'a', rps: 18.2, label: 'capacity' }]) as Obj;
    const line = units(spec).find((u) => markType(u) === 'line')!;
    expect(line.encoding.x.field).toBe('rps');
    expect(line.encoding.y.field).toBe('p95');
    expect(line.encoding.order.field).toBe('index');
    const rule = units(spec).find((u) => markType(u) === 'rule')!;
    expect(rule.data.values).toEqual([{ target: 'a', rps: 18.2, label: 'capacity' }]);
  });

  it('stacks error kinds in a fixed order per target and second', () => {
    const blocks = stackErrors([
      { target: 'a', t: 0, t2: 1, kind: 'http', count: 2 },
      { target: 'a', t: 0, t2: 1, kind: 'refused', count: 1 },
      { target: 'b', t: 0, t2: 1, kind: 'http', count: 5 },
    ], ['refused', 'reset', 'timeout', 'http', 'other']);
    expect(blocks.map((b) => [b.target, b.kind, b.y0, b.y1])).toEqual([
      ['a', 'refused', 0, 1], ['a', 'http', 1, 3], ['b', 'http', 0, 5],
    ]);
  });
});

describe('time series downsampling', () => {
  const row = (t: number): IntervalRow => ({
    t, stage: 0, users: 10, requests: 10, rps: 10, errors: { refused: 0, reset: 0, timeout: t === 1234 ? 7 : 0, http: 0, other: 0 },
    errorsTotal: 0, dropped: 0, p50: 50, p90: 90, p95: t === 1234 ? 5000 : 95, p99: 99, max: 100,
  });

  it('keeps per-second data for short runs and buckets long ones, never hiding a spike', () => {
    expect(bucketSeconds(12)).toBe(1);
    expect(downsample([row(0), row(1)], 1)).toHaveLength(2);
    const rows = Array.from({ length: 3600 }, (_, t) => row(t));
    const size = bucketSeconds(rows.length);
    const pts = downsample(rows, size);
    expect(pts.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(Math.max(...pts.map((p) => p.p95 ?? 0))).toBe(5000);
    expect(pts.find((p) => p.t === 1230)?.errors.timeout).toBeCloseTo(7 / size, 2);
  });
});

describe('chart sections on a synthetic run', () => {
  let run: RunData;
  let open: RunData;
  let b: { runDir: string; cleanup: () => Promise<void> };
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const a = await tempFixtureRun();
    b = await tempFixtureRun({ model: 'open', duration: 10 });
    cleanups.push(a.cleanup, b.cleanup);
    run = await loadRun(a.runDir);
    open = await loadRun(b.runDir);
  });
  afterAll(async () => { for (const c of cleanups) await c(); });

  it('every section builds a spec vega-lite compiles, time charts carry the stage rules', () => {
    for (const r of [run, open]) {
      const c = chartContext(r);
      for (const section of CHART_SECTIONS.filter((c) => (c.place ?? 'charts') === 'charts')) {
        const spec = section.build(r, c);
        expect(spec, section.id).not.toBeNull();
        expect(() => compile(spec as never), section.id).not.toThrow();
        const timeChart = units(spec as Obj).some((u) => u.encoding?.x?.field === 't' && u.data?.values?.[0]?.stage === undefined);
        if (timeChart) expect(stageRules(spec as Obj).length, section.id).toBeGreaterThan(0);
      }
    }
  });

  it('fairness: a dot per virtual user for the closed model (vega-lite compiles it); the open model says n/a instead', async () => {
    const section = CHART_SECTIONS.find((s) => s.id === 'chart-fairness')!;
    expect(section.place).toBe('fairness');
    const spec = section.build(run, chartContext(run)) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    const dots = spec.data.values as { target: string; responses: number }[];
    // Every user of every stage of every target with data: the fixture's stages hold 4, 8 and 16 users.
    const devRows = dots.filter((d) => d.target === 'express-dev');
    expect(devRows.length).toBe(run.targets.find((t) => t.entry.name === 'express-dev')!.stages.reduce((n, s) => n + s.users, 0));
    expect(section.build(open, chartContext(open))).toBeNull();
    expect(section.empty?.(open)).toMatch(/n\/a: the open model has no users/);
    const page = await renderReport(b.runDir);
    expect(page).toContain('n/a: the open model has no users');
    expect(page).not.toContain('id="chart-fairness-spec"');
  });

  it('shows dropped arrivals only for the open model', () => {
    const kinds = (r: RunData) => JSON.stringify(CHART_SECTIONS.find((s) => s.id === 'chart-errors')!.build(r, chartContext(r)));
    expect(kinds(open)).toContain('"dropped: ');
    expect(kinds(run)).not.toContain('dropped');
  });
});

describe('errors chart: drops by cause (open model)', () => {
  const section = CHART_SECTIONS.find((s) => s.id === 'chart-errors')!;
  let fresh: RunData;
  let old: RunData;
  let oldDir = '';
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const a = await tempFixtureRun({ model: 'open', duration: 12 });
    const b = await tempFixtureRun({ model: 'open', duration: 12, noDropCauses: true });
    cleanups.push(a.cleanup, b.cleanup);
    fresh = await loadRun(a.runDir);
    old = await loadRun(b.runDir);
    oldDir = b.runDir;
  });
  afterAll(async () => { for (const c of cleanups) await c(); });

  const kindUnits = (spec: Obj) => units(spec).filter((u) => u.encoding?.color?.field === 'kind');
  const blocksOf = (spec: Obj) => kindUnits(spec).flatMap((u) => u.data.values as { target: string; t: number; kind: string; count: number }[]);
  const colorOf = (spec: Obj) => kindUnits(spec)[0]!.encoding.color;

  it('draws the two causes as distinct, labelled series whose counts add up to each second\'s drops', () => {
    const spec = section.build(fresh, chartContext(fresh)) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    const color = colorOf(spec);
    expect(color.scale.domain).toContain('dropped: generator late');
    expect(color.scale.domain).toContain('dropped: in-flight cap full');
    expect(color.scale.domain).not.toContain('dropped: cause not recorded');
    expect(new Set(color.scale.range).size).toBe(color.scale.range.length);
    const blocks = blocksOf(spec);
    for (const t of fresh.targets) {
      for (const r of t.series.filter((x) => x.dropped > 0)) {
        const at = blocks.filter((b) => b.target === t.entry.name && b.t === r.t);
        expect(at.find((b) => b.kind === 'dropped: generator late')?.count).toBe(r.droppedLate);
        expect(at.find((b) => b.kind === 'dropped: in-flight cap full')?.count).toBe(r.dropped - r.droppedLate!);
      }
    }
    expect(blocks.some((b) => b.kind === 'dropped: generator late')).toBe(true);
    // The text beside it names the split and the cause that dominated (the fixture: a quarter late).
    const caption = section.caption(fresh, chartContext(fresh));
    expect(caption).toMatch(/express-dev dropped [\d,]+ arrivals in \d+ s: [\d,]+ with the in-flight cap full, [\d,]+ with the generator late — mostly the in-flight cap/);
  });

  it('an older run folder (no per-second cause) still renders, its drops "cause not recorded", never "0 late"', async () => {
    const spec = section.build(old, chartContext(old)) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    const kinds = new Set(blocksOf(spec).map((b) => b.kind));
    expect([...kinds].filter((k) => k.startsWith('dropped'))).toEqual(['dropped: cause not recorded']);
    expect(colorOf(spec).scale.domain).toContain('dropped: cause not recorded');
    const caption = section.caption(old, chartContext(old));
    expect(caption).toMatch(/predates the per-second split, so each second's cause is unknown/);
    expect(caption).not.toMatch(/0 with the generator late|mostly/);
    const page = await renderReport(oldDir);
    expect(page).toContain('id="chart-errors-spec"');
    expect(page).toContain('dropped: cause not recorded');
  });
});

describe('the chart registry (reports/charts/index.ts) is the one place charts are listed', () => {
  it('has unique ids, and every registered chart is drawn on a page that has data for it', async () => {
    const ids = CHART_SECTIONS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const fixtures = [await tempFixtureRun({ repeat: 2 }), await tempFixtureRun({ modes: { capacity: true, knee: true } })];
    try {
      const pages = (await Promise.all(fixtures.map((f) => renderReport(f.runDir)))).join('\n');
      for (const id of ids) expect(pages, id).toContain(`id="${id}-spec"`);
      // No chart on the page that the registry does not list (the knee table's per-target step traces aside).
      const drawn = [...pages.matchAll(/<figure class="chart" id="([^"]+)"/g)].map((m) => m[1]!);
      expect(drawn.filter((id) => !ids.includes(id) && !id.startsWith('chart-knee-trace-'))).toEqual([]);
    } finally {
      for (const f of fixtures) await f.cleanup();
    }
  });
});

describe('drops by cause: the words', () => {
  const tally = (cap: number, late: number, unknown = 0) => ({ seconds: 3, dropped: cap + late + unknown, cap, late, unknown });
  it('says which cause dominated, "all" when only one occurred, and never a late count it does not have', () => {
    expect(dropSentence('a', tally(90, 0))).toBe('a dropped 90 arrivals in 3 s: 90 with the in-flight cap full, 0 with the generator late — all of them with the in-flight cap full: the server held every slot.');
    expect(dropSentence('a', tally(0, 7))).toMatch(/— all of them the generator's own lag: in those seconds the lab, not the server, was the limit\.$/);
    expect(dropSentence('a', tally(3, 7))).toMatch(/3 with the in-flight cap full, 7 with the generator late — mostly the generator's own lag/);
    expect(dropSentence('a', tally(3, 2, 5))).toMatch(/3 with the in-flight cap full, 2 with the generator late, 5 in seconds without a recorded cause — mostly the in-flight cap/);
    expect(dropSentence('a', tally(0, 0, 5))).toBe('a dropped 5 arrivals in 3 s; this run folder predates the per-second split, so each second\'s cause is unknown.');
    expect(dropSentence('a', tally(0, 0, 5), { openDrive: { scheduled: 9, launched: 4, dropped: 5, droppedAtCap: 1, droppedLate: 4, maxLagMs: 1 } }))
      .toMatch(/cause is unknown \(the run's totals: 1 at the in-flight cap, 4 late by the generator — mostly the generator's own lag/);
  });

  it('splits a point into its causes; a point without the split is "cause not recorded"', () => {
    expect(dropsByCause({ dropped: 10, droppedLate: 4 })).toEqual([['dropped: in-flight cap full', 6], ['dropped: generator late', 4]]);
    expect(dropsByCause({ dropped: 10, droppedLate: 0 })).toEqual([['dropped: in-flight cap full', 10]]);
    expect(dropsByCause({ dropped: 10, droppedLate: null })).toEqual([['dropped: cause not recorded', 10]]);
    expect(dropsByCause({ dropped: 0, droppedLate: null })).toEqual([]);
  });
});
