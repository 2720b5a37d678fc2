import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_VERSION, type CapacityRow, type KneeRow, type SpreadFile } from '../../harness/results/format.ts';
import { chartContext } from '../../reports/charts/context.ts';
import { capacityBars, capacitySpec, kneeSearchSpec, kneeSteps, spreadRows, spreadSpec } from '../../reports/charts/modes.ts';
import { bucketSaturation, eldGaps, saturationSection } from '../../reports/charts/saturation.ts';
import { buildHeadline } from '../../reports/headline.ts';
import { escapeHtml } from '../../reports/html.ts';
import { loadRun } from '../../harness/results/load.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { capacityTitle, kneeTitle, spreadSentence, widestSpread } from '../../reports/modes.ts';
import { renderReport } from '../../reports/render.ts';
import { FAILED_NAME, INJECTED_NAME } from '../fixtures/run/synthetic-targets.ts';
import { tempFixtureRun } from './helpers.ts';

type Obj = Record<string, any>;
const markup = (page: string) => page.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
const units = (spec: Obj): Obj[] => (spec.layer ? spec.layer.flatMap(units) : spec.vconcat ? spec.vconcat.flatMap(units) : [spec]);
const markType = (u: Obj) => (typeof u.mark === 'string' ? u.mark : u.mark?.type);

const cap = (name: string, concurrency: number, rps: number | null, theoreticalRps: number | null): CapacityRow => ({
  name, concurrency, work: 'block', connections: 16, seconds: 3, rps, p50: 200, p95: 300, p99: 400, errors: 0, timeouts: 0, theoreticalRps,
  state: rps === null ? 'failed' : 'ok', error: rps === null ? 'did not start' : null,
});

describe('capacity and knee in words', () => {
  it('states the capacity finding with numbers, highest first', () => {
    expect(capacityTitle([cap('express-dev', 1, 17.6, 18.2), cap('worker-pool', 4, 69.4, 72.7)]))
      .toBe('worker-pool served 69.4 req/s at 16 connections, 95% of its theoretical 72.7; express-dev 17.6 (97% of 18.2)');
    expect(capacityTitle([cap('a', 1, 30, null), cap('b', 1, null, 18.2)])).toBe('a served 30 req/s at 16 connections; b failed');
  });

  it('states the knee as a bracket with the SLO and share of theory', () => {
    const title = kneeTitle([{
      name: 'express-dev', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 3, maxSustainableRps: 16, stoppedBy: 'bracketed', theoreticalRps: 18.2,
      steps: [{ rate: 16, p95: 300, achievedRps: 16, dropped: 0, errors: 0, ok: true }, { rate: 20, p95: 900, achievedRps: 18, dropped: 0, errors: 0, ok: false }],
      state: 'ok', error: null,
    }]);
    expect(title).toBe('Knee (p95 SLO 500 ms): express-dev steady at 16 req/s, 88% of its theoretical 18.2; not at 20');
  });

  it('calls a search where no step broke a lower bound, not a knee, from the row\'s `found` or (older rows) its steps', () => {
    const held = (rate: number) => ({ rate, p95: 2, achievedRps: rate, dropped: 0, errors: 0, ok: true });
    const row = {
      name: 'fastify-hello', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 8, maxSustainableRps: 35_496, lowestBrokenRps: null, stoppedBy: 'max-rate', theoreticalRps: null,
      steps: [held(17_748), held(35_496)], state: 'ok', error: null,
    } as KneeRow;
    const words = 'Knee (p95 SLO 500 ms): fastify-hello steady at ≥ 35,496 req/s; no rate broke, so that is a lower bound, not the knee';
    expect(kneeTitle([row])).toBe(words);
    expect(kneeTitle([{ ...row, found: 'lower-bound' }])).toBe(words);
  });

  it('measures the widest spread across repeats', () => {
    const file = {
      schemaVersion: 1, runId: 'x', repeats: 3,
      targets: [{ name: 'a', concurrency: 1, runs: [], stages: [
        { index: 0, users: 2, n: 3, p50: null, p95: { min: 90, median: 100, max: 130 }, rps: { min: 9, median: 10, max: 10 }, repeats: [1, 2, 3], values: { p50: [], p95: [90, 100, 130], rps: [] } },
        { index: 1, users: 2, n: 1, p50: null, p95: { min: 10, median: 100, max: 900 }, rps: null, repeats: [1], values: { p50: [], p95: [], rps: [] } },
      ] }],
    } as SpreadFile;
    expect(widestSpread(file, 'p95')).toMatchObject({ target: 'a', stage: 0, pct: 40 });
    expect(spreadSentence(file)).toContain('median of 3 interleaved repeats');
    expect(spreadSentence(file)).toContain('p95 varied by up to 40% of its median (a, stage 1: 90 ms to 130 ms)');
  });
});

describe('a run with repeats and saturation (synthetic)', () => {
  let run: RunData;
  let page = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun({ repeat: 3, generatorSaturated: true });
    cleanup = f.cleanup;
    run = await loadRun(f.runDir);
    page = await renderReport(f.runDir);
  });
  afterAll(() => cleanup());

  it('loads every repeat, groups them per target and reads spread.json', () => {
    expect(run.problems).toEqual([]);
    expect(run.targets).toHaveLength(12);
    expect(run.targets.map((t) => t.entry.name)).toContain('express-dev · repeat 3');
    expect(run.groups.map((g) => [g.name, g.runs.length])).toEqual([['express-dev', 3], ['express-cluster', 3], [INJECTED_NAME, 3], [FAILED_NAME, 3]]);
    expect(run.spread?.repeats).toBe(3);
    // The group's stages are the medians summary.json holds.
    const dev = run.groups[0]!;
    expect(dev.median.stages.map((s) => s.p95)).toEqual(run.summary!.targets[0]!.stages.map((s) => s.p95));
    expect(dev.median.summary?.name).toBe('express-dev');
    expect(run.targets[0]!.summary).toBeNull();
  });

  it('headline: one finding per target, on the medians of N repeats, with the spread', () => {
    const h = buildHeadline(run);
    expect(h.targets).toHaveLength(4);
    expect(h.title).toMatch(/\(median of 3 repeats\)$/);
    expect(h.repeats).toMatch(/median of 3 interleaved repeats.*p95 varied by up to [\d.]+% of its median/);
    expect(h.why[0]).toContain('load generator was saturated while driving express-dev');
  });

  it('spread section: a table per target and a chart with a dot per repeat and the median', () => {
    expect(page).toContain('<section id="spread"><h2>Spread across 3 repeats</h2>');
    const { dots, bars } = spreadRows(run.spread!);
    expect(dots.filter((d) => d.target === 'express-dev' && d.stage === 'S2').map((d) => d.repeat)).toEqual([1, 2, 3]);
    expect(bars.find((b) => b.target === 'express-dev' && b.stage === 'S2')?.median).toBe(run.spread!.targets[0]!.stages[1]!.p95!.median);
    const spec = spreadSpec(chartContext(run), ['S1', 'S2', 'S3'], dots, bars) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    expect(units(spec).map(markType)).toEqual(['rule', 'tick', 'point']);
  });

  it('saturation chart: server and generator readings, and the generator peaks in the caption', () => {
    const pts = bucketSaturation('a', [{ t: 0, cpuPct: 50, rssMb: 80, eldP99Ms: 12, genCpuPct: 30, genRssMb: 100, genEldP99Ms: 4 }], 1);
    expect(pts.map((p) => `${p.metric}/${p.process}`).sort()).toEqual(['cpuPct/load generator', 'cpuPct/server', 'eldP99Ms/load generator', 'eldP99Ms/server', 'rssMb/server']);
    const spec = saturationSection.build(run, chartContext(run)) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    expect(JSON.stringify(spec)).toContain('"load generator"');
    expect(saturationSection.caption(run, chartContext(run))).toContain('SATURATED');
    expect(page).toContain('Load generator saturated while driving this target');
  });

  it('event-loop delay: seconds a target could not answer are gaps, marked as a finding, not a straight line', () => {
    const sat = (t: number, eld: number | null) => ({ t, cpuPct: 95, rssMb: 80, eldP99Ms: eld, genCpuPct: 20, genRssMb: 100, genEldP99Ms: 3 });
    const rows = [sat(0, 10), sat(1, 12), sat(2, null), sat(3, null), sat(4, null), sat(5, 900), sat(6, 15), sat(7, null)];
    expect(eldGaps('dev', rows)).toEqual([{ target: 'dev', t: 2, seconds: 3 }, { target: 'dev', t: 7, seconds: 1 }]);
    // A target that never answered (no such figure) has no gaps and no line at all.
    const never = rows.map((r) => ({ ...r, eldP99Ms: null }));
    expect(eldGaps('py', never)).toEqual([]);
    expect(bucketSaturation('py', never, 1).filter((p) => p.metric === 'eldP99Ms' && p.process === 'server')).toEqual([]);
    // The line's points keep the nulls, in time order, so vega-lite breaks the path there.
    const eld = bucketSaturation('dev', rows, 1).filter((p) => p.metric === 'eldP99Ms' && p.process === 'server');
    expect(eld.map((p) => p.value)).toEqual([10, 12, null, null, null, 900, 15, null]);
    // Buckets of 2 s: a bucket with one reading shows it; one with none is a null.
    expect(bucketSaturation('dev', rows, 2).filter((p) => p.metric === 'eldP99Ms' && p.process === 'server').map((p) => p.value)).toEqual([12, null, 900, 15]);
    const withGaps: RunData = { ...run, targets: run.targets.map((t, i) => (i === 0 ? { ...t, saturation: rows } : t)) };
    const spec = saturationSection.build(withGaps, chartContext(withGaps)) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    const eldPanel = (spec.vconcat as Obj[]).find((p) => JSON.stringify(p).includes('event-loop delay'))!;
    const line = units(eldPanel).find((u) => markType(u) === 'line')!;
    expect(line.mark.invalid).toBe('break-paths-show-domains');
    const marks = units(eldPanel).find((u) => u.mark?.shape === 'triangle-down')!;
    expect(marks.data.values.filter((v: Obj) => v.target === run.targets[0]!.entry.name).map((v: Obj) => [v.t, v.seconds])).toEqual([[2, 3], [7, 1]]);
    expect(saturationSection.caption(withGaps, chartContext(withGaps))).toContain(`too busy to answer the poll at all, which is itself a finding: ${run.targets[0]!.entry.name} 4 s (from 2 s, 7 s)`);
  });

  it('escapes target names and generator reasons in the new sections', () => {
    const m = markup(page);
    expect(m).not.toContain('<img');
    expect(m).not.toContain('for 5 s <b>');
    expect(m).toContain('for 5 s &lt;b&gt;');
    expect(m).toContain(escapeHtml(INJECTED_NAME));
  });
});

describe('a capacity + knee run folder of schema 1 (synthetic, no manifest)', () => {
  it('still renders from its rows, saying what the report cannot know', async () => {
    const f = await tempFixtureRun({ modes: { capacity: true, knee: true }, schema1: true });
    try {
      const old = await loadRun(f.runDir);
      expect(old.hasManifest).toBe(false);
      expect(old.problems).toEqual([]);
      expect(old.theory).toEqual({ work: 'block', cores: 0, meanServiceMs: 55 });
      const oldPage = await renderReport(f.runDir);
      expect(oldPage).toContain('schema 1 wrote no manifest.json');
      expect(buildHeadline(old).why.join(' ')).toContain('55 ms, uniform 10–100 ms');
    } finally {
      await f.cleanup();
    }
  });
});

describe('a capacity + knee run folder (synthetic, manifest from the harness builder)', () => {
  let run: RunData;
  let page = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun({ modes: { capacity: true, knee: true } });
    cleanup = f.cleanup;
    run = await loadRun(f.runDir);
    page = await renderReport(f.runDir);
  });
  afterAll(() => cleanup());

  it('renders without expecting profile files', () => {
    expect(run.kind).toBe('modes');
    expect(run.hasManifest).toBe(true);
    expect(run.manifest).toMatchObject({
      schemaVersion: RESULTS_SCHEMA_VERSION, profile: null, profileSource: 'capacity-knee', complete: true, cores: 2,
      serviceTime: { distribution: 'uniform', minMs: 10, maxMs: 100, meanMs: 55 }, capacityTheory: { work: 'block', cores: 2, meanServiceMs: 55 },
      workModel: { name: 'block', description: expect.stringContaining('Atomics.wait') },
    });
    expect(run.manifest.targets.map((t) => [t.name, t.concurrency, t.state])).toEqual([
      ['express-dev', 1, 'ok'], ['express-cluster', 4, 'ok'], [INJECTED_NAME, 2, 'ok'], [FAILED_NAME, 4, 'failed'],
    ]);
    expect(page).toContain('Synthetic CPU @ 2.0GHz');
    expect(page).not.toContain('no manifest.json');
    expect(run.problems).toEqual([]);
    expect(markup(page)).not.toMatch(/is missing|could not be used/);
    expect(page).not.toContain('id="charts"');
    expect(page).not.toContain('id="stages"');
    expect(run.targets.find((t) => t.entry.name === FAILED_NAME)?.logTail.join('\n')).toContain('Cannot find module');
  });

  it('headline states capacity and knee in words with numbers', () => {
    const h = buildHeadline(run);
    expect(h.title).toMatch(/^express-cluster served [\d.]+ req\/s at 16 connections, \d+% of its theoretical 72\.7; .*express-dev [\d.]+ \(\d+% of 18\.2\); worker-pool failed$/);
    expect(h.subtitles[0]).toMatch(/^Knee \(p95 SLO 500 ms\): express-cluster steady at [\d.]+ req\/s, \d+% of its theoretical 72\.7; not at [\d.]+/);
    expect(h.targets.filter((t) => t.label === 'capacity')).toHaveLength(3);
    expect(h.targets.filter((t) => t.status === 'failed')).toHaveLength(2);
  });

  it('capacity: measured bars with theoretical ticks; knee: steps, SLO rule, held and broke', () => {
    const ctx = chartContext(run);
    const bars = capacityBars(run.capacity!);
    expect(bars.map((b) => b.target)).toEqual(['express-dev', 'express-cluster', INJECTED_NAME]);
    const cs = capacitySpec(ctx, bars) as Obj;
    expect(() => compile(cs as never)).not.toThrow();
    expect(units(cs).map(markType)).toEqual(['bar', 'tick', 'text']);
    const steps = kneeSteps(run.knee!);
    expect(new Set(steps.map((s) => s.outcome))).toEqual(new Set(['held', 'broke']));
    const ks = kneeSearchSpec(ctx, steps, [500], [{ target: 'express-dev', rate: 18.2, label: 'theoretical 18.2' }]) as Obj;
    expect(() => compile(ks as never)).not.toThrow();
    expect(JSON.stringify(ks)).toContain('p95 SLO 500 ms');
    expect(page).toContain('<section id="capacity">');
    expect(page).toContain('<section id="knee">');
  });

  it('says in the knee section when no step broke: the figure is a lower bound, not the knee', async () => {
    const f = await tempFixtureRun({ modes: { knee: true } });
    try {
      const file = path.join(f.runDir, 'knee.json');
      const rows = JSON.parse(await readFile(file, 'utf8')) as KneeRow[];
      const [first] = rows as [KneeRow];
      // As the harness now writes a search that ended without a break: only held steps, found: 'lower-bound'.
      first.steps = first.steps.filter((s) => s.ok);
      Object.assign(first, { maxSustainableRps: Math.max(...first.steps.map((s) => s.rate)), lowestBrokenRps: null, stoppedBy: 'max-rate', found: 'lower-bound' });
      await writeFile(file, JSON.stringify(rows));
      const html = markup(await renderReport(f.runDir));
      expect(html).toContain('<dt>reported knee</dt><dd class="bad">none found: every step held, so ≥ ');
      expect(html).toContain('no rate broke, so that is a lower bound, not the knee');
      expect(html).toContain('max-rate: it held up to the highest rate the search tries');
    } finally {
      await f.cleanup();
    }
  });

  it('escapes target names from capacity.json and knee.json', () => {
    const m = markup(page);
    expect(m).not.toContain('<img');
    expect(m).not.toContain('<b>not bold');
    expect(m).not.toMatch(/<script>alert/);
    expect(m).toContain(escapeHtml(INJECTED_NAME));
    for (const [, body] of page.matchAll(/<script type="application\/json" id="[^"]+">([\s\S]*?)<\/script>/g)) expect(body).not.toMatch(/[<>]/);
  });
});
