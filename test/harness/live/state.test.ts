import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveState } from '../../../harness/live/state.ts';
import { liveCharts } from '../../../harness/live/charts.ts';
import { endSchema, liveMessageSchema, sseFrame, statusSchema } from '../../../harness/live/messages.ts';
import { loadRun } from '../../../harness/results/load.ts';
import type { RunData } from '../../../harness/results/run-data.ts';
import type { IntervalRow, SaturationRow } from '../../../harness/results/format.ts';
import { chartContext } from '../../../reports/charts/context.ts';
import { latencySection } from '../../../reports/charts/latency.ts';
import { makeFixtureRun } from '../../fixtures/run/make-fixture-run.ts';

const PROFILE = { name: 'fixture', model: 'closed' as const, duration: 12, stageCount: 3 };
const row = (t: number, stage: number): IntervalRow => ({
  t, stage, users: 2 + stage, requests: 20, rps: 19, errors: { refused: 0, reset: 1, timeout: 0, http: 0, other: 0 }, errorsTotal: 1, dropped: 0,
  p50: 12 + t, p90: 20 + t, p95: 25 + t, p99: 40 + t, max: 60 + t,
} as IntervalRow);
const sat = (t: number): SaturationRow => ({ t, cpuPct: 80, rssMb: 60.5, eldP99Ms: 3, genCpuPct: 20, genRssMb: 90, genEldP99Ms: 1.5 });

/** The fixture run with nothing measured yet for the targets from `from` on (as the folder looks mid-run). */
const pending = (run: RunData, from: number): RunData => ({
  ...run, targets: run.targets.map((t, i) => (i < from ? t : { ...t, series: [], stages: [], saturation: null, summary: null, files: [] })),
});

/** Points drawn on the latency chart. */
const latencyPoints = (s: ReturnType<LiveState['status']>) => {
  const spec = s.charts.find((c) => c.id === 'chart-latency')?.spec as { layer: { data: { values: unknown[] } }[] } | null | undefined;
  return spec ? spec.layer.at(-1)!.data.values.length : 0;
};

describe('the live state and its messages', () => {
  let root = '';
  let run: RunData;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-live-state-'));
    run = await loadRun(await makeFixtureRun(path.join(root, 'run'), { model: 'closed', duration: 12 }));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('before anything happened: a valid status with no target, no figures', () => {
    const s = new LiveState('/r', PROFILE).status();
    expect(statusSchema.parse(s)).toEqual(s);
    expect(s.current).toBeNull();
    expect(s.charts).toEqual([]);
  });

  it('mid-target: the current target, its stage, load, elapsed time, last second, and charts that grow with each second', () => {
    const live = new LiveState('/r', PROFILE);
    const ev = live.events(() => {});
    ev.targetStart!({ index: 1, count: run.targets.length, name: run.targets[1]!.entry.name, concurrency: 1 });
    live.setBase(pending(run, 1));
    expect(live.status().current).toMatchObject({ index: 1, phase: 'starting', stage: null, elapsed: 0, total: 12 });
    const v0 = live.version;
    for (let t = 0; t < 5; t++) ev.interval!({ name: 'x', row: row(t, t < 4 ? 0 : 1), stageCount: 3, duration: 12 });
    ev.saturation!({ name: 'x', row: sat(4) });
    expect(live.version).toBeGreaterThan(v0);
    const s = statusSchema.parse(live.status());
    expect(s.current).toMatchObject({ name: run.targets[1]!.entry.name, phase: 'running', stage: 1, load: 3, elapsed: 5 });
    expect(s.latest).toMatchObject({ t: 4, p50: 16, p95: 29, p99: 44, rps: 19, errorsTotal: 1 });
    expect(s.latest!.errors.reset).toBe(1);
    expect(s.saturation).toEqual({ cpuPct: 80, rssMb: 60.5, genCpuPct: 20, genEldP99Ms: 1.5 });
    expect(s.done).toEqual([]);
    expect(s.charts.map((c) => c.id)).toEqual(['chart-latency', 'chart-throughput', 'chart-load', 'chart-errors', 'chart-saturation']);
    // Target 0 is finished in the fixture folder (12 s × 3 percentiles) plus the live target's 5 s.
    const before = latencyPoints(s);
    ev.interval!({ name: 'x', row: row(5, 1), stageCount: 3, duration: 12 });
    // Between chart builds the figures move on and the charts last built are sent again.
    const between = live.status({ charts: false });
    expect(between.latest!.t).toBe(5);
    expect(latencyPoints(between)).toBe(before);
    expect(latencyPoints(live.status())).toBe(before + 3);
  });

  it('a target is listed as done only from a read of the run folder made after it ended', () => {
    const live = new LiveState('/r', PROFILE);
    const ev = live.events(() => {});
    ev.targetStart!({ index: 0, count: run.targets.length, name: run.targets[0]!.entry.name, concurrency: 1 });
    live.setBase(pending(run, 0));
    ev.targetEnd!({ name: run.targets[0]!.entry.name, state: 'ok', error: null, stages: [] });
    ev.targetStart!({ index: 1, count: run.targets.length, name: run.targets[1]!.entry.name, concurrency: 1 });
    expect(live.status().done).toEqual([]);
    live.setBase(pending(run, 1), live.finishedCount);
    expect(live.status().done.map((d) => d.name)).toEqual([run.targets[0]!.entry.name]);
  });

  it('done targets carry their verdict and files; at the end the charts are exactly the report\'s', () => {
    const live = new LiveState('/r', PROFILE);
    const ev = live.events(() => {});
    for (const [i, t] of run.targets.entries()) {
      ev.targetStart!({ index: i, count: run.targets.length, name: t.entry.name, concurrency: 1 });
      ev.targetEnd!({ name: t.entry.name, state: t.entry.state, error: null, stages: [] });
    }
    live.setBase(run);
    const s = statusSchema.parse(live.status());
    expect(s.current).toBeNull();
    expect(s.done.map((d) => d.name)).toEqual(run.targets.map((t) => t.entry.name));
    expect(s.done[0]!.verdict).toBe(run.targets[0]!.summary!.verdict);
    expect(s.done[0]!.files.map((f) => f.path)).toContain(`${run.targets[0]!.entry.dir}/series.json`);
    expect(s.charts).toEqual(liveCharts(run));
    expect(s.charts[0]!.spec).toEqual(latencySection.build(run, chartContext(run)));
  });

  it('done targets carry their validity verdict; the end carries the run\'s and the thresholds\' outcomes, as summary.json has them', () => {
    const live = new LiveState('/r', PROFILE);
    const ev = live.events(() => {});
    ev.targetStart!({ index: 0, count: run.targets.length, name: run.targets[0]!.entry.name, concurrency: 1 });
    ev.targetEnd!({ name: run.targets[0]!.entry.name, state: 'ok', error: null, stages: [] });
    const why = ['stage 2: 40 users measured vs 24 = 30 req/s × (50 ms + 750 ms think) (-40%)'];
    const summary = structuredClone(run.summary!);
    summary.targets[0]!.validity = { verdict: 'suspect', why, checks: [], littlesLaw: [] };
    summary.validity = { verdict: 'suspect', why: why.map((w) => `${summary.targets[0]!.name}: ${w}`) };
    summary.thresholds = [{
      expression: 'p95<300ms', source: 'cli', target: summary.targets[0]!.name, metric: 'p95', op: '<', unit: 'ms', scope: 'run', status: 'fail',
      value: 897, limit: 300, stage: null, checks: [], message: 'p95 897 ms over the run (limit < 300 ms)',
    }];
    live.setBase({ ...run, summary, targets: run.targets.map((t, i) => ({ ...t, summary: summary.targets[i] ?? null })) });
    const done = statusSchema.parse(live.status()).done;
    expect(done.map((d) => d.validity)).toEqual([{ verdict: 'suspect', why }]);
    const end = endSchema.parse({ type: 'end', complete: true, report: 'report.html', reportFile: '/r/report.html', ...live.outcome() });
    expect(end.validity).toEqual(summary.validity);
    expect(end.thresholds).toEqual([{ target: summary.targets[0]!.name, expression: 'p95<300ms', status: 'fail', message: 'p95 897 ms over the run (limit < 300 ms)' }]);
    // A run folder without them (older, or no target finished): nothing to show, not "valid".
    expect(new LiveState('/r', PROFILE).outcome()).toEqual({ validity: null, thresholds: [] });
  });

  it('the end message and the event-stream framing', () => {
    const end = { type: 'end' as const, complete: false, report: 'report.html', reportFile: '/r/report.html', validity: null, thresholds: [] };
    expect(endSchema.parse(end)).toEqual(end);
    const frame = sseFrame(end);
    expect(frame).toMatch(/^event: end\ndata: \{.*\}\n\n$/);
    expect(liveMessageSchema.parse(JSON.parse(frame.split('\n')[1]!.slice(6)))).toEqual(end);
    // A verdict with a newline stays on one data line (JSON escapes it).
    expect(sseFrame({ ...new LiveState('/r\nx', PROFILE).status() }).split('\n').filter((l) => l.startsWith('data: '))).toHaveLength(1);
  });

  it('the schemas refuse what the page could not draw', () => {
    expect(endSchema.safeParse({ type: 'end', complete: 'yes', report: null, reportFile: null }).success).toBe(false);
    const s = new LiveState('/r', PROFILE).status();
    expect(statusSchema.safeParse({ ...s, profile: { ...s.profile, model: 'sideways' } }).success).toBe(false);
    expect(statusSchema.safeParse({ ...s, latest: { t: 0, p50: -1, p95: null, p99: null, rps: 1, errors: {}, errorsTotal: 0 } }).success).toBe(false);
    expect(liveMessageSchema.safeParse({ type: 'delta' }).success).toBe(false);
  });
});
