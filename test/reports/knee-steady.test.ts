import { compile } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKnee } from '../../harness/modes/knee.ts';
import { loadRun } from '../../harness/results/load.ts';
import type { KneeRow } from '../../harness/results/format.ts';
import { kneeTrace, kneeTraceSpec } from '../../reports/charts/modes.ts';
import { renderReport } from '../../reports/render.ts';
import { fakeKneeServer, fakeTarget } from '../fixtures/knee/fake-server.ts';
import { tempFixtureRun } from './helpers.ts';

type Obj = Record<string, any>;

/** A knee run folder whose knee.json the harness itself wrote (search against a synthetic server). */
describe('report of a knee search judged by the steady-state rule', () => {
  let rows: KneeRow[];
  let page = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun({ modes: { knee: true } });
    cleanup = f.cleanup;
    rows = await runKnee({ targets: [fakeTarget('express-dev')], work: 'block', seed: 1, runDir: f.runDir, signal: new AbortController().signal }, fakeKneeServer(17).io);
    page = await renderReport(f.runDir);
    expect((await loadRun(f.runDir)).knee).toEqual(rows);
  });
  afterAll(() => cleanup());

  it('shows the bracket, and every step with its backlog, latency trend and reason', () => {
    const r = rows[0]!;
    expect(page).toContain(`steady at ${r.maxSustainableRps} req/s`);
    expect(page).toContain(`not at ${r.lowestBrokenRps} req/s`);
    expect(page).toContain('<th>held s</th>');
    for (const s of r.steps) expect(page).toContain(s.evidence!.reason.replace(/>/g, '&gt;'));
    expect(page).toContain('A step counts as held only when the server was in a steady state');
  });

  it('charts each step second by second: backlog and p95, one line per step', () => {
    const trace = kneeTrace(rows[0]!);
    expect(trace).toHaveLength(rows[0]!.steps.reduce((n, s) => n + s.seconds!, 0));
    expect(new Set(trace.map((p) => p.outcome))).toEqual(new Set(['held', 'broke']));
    const spec = kneeTraceSpec(trace, 500) as Obj;
    expect(() => compile(spec as never)).not.toThrow();
    expect(page).toContain('id="chart-knee-trace-0"');
  });
});

describe('report of a knee search whose steps carry each side\'s load', () => {
  it('says per broken step, and for the bracket, whether the generator or the server was the limit', async () => {
    const f = await tempFixtureRun({ modes: { knee: true } });
    try {
      const fake = fakeKneeServer(17);
      const inner = fake.io.holdRate;
      // SYNTHETIC loads: a generator saturated at every rate past capacity.
      fake.io.holdRate = async (a) => ({
        ...(await inner(a)), scheduled: a.rate * a.seconds,
        load: { genCpuPct: a.rate > 17 ? 96 : 20, genElu: a.rate > 17 ? 0.94 : 0.2, serverCpuPct: 35, serverProcesses: 1, cores: 2, machineCpuPct: 140, softirqPct: 31.6, droppedAtCap: 0, droppedLate: 0, maxLagMs: 1 },
      });
      const [r] = await runKnee({ targets: [fakeTarget('fastify-hello')], work: 'block', seed: 1, runDir: f.runDir, signal: new AbortController().signal }, fake.io);
      expect(r!.brokenBy?.by).toBe('generator');
      const page = await renderReport(f.runDir);
      expect(page).toContain(`At ${r!.lowestBrokenRps} req/s the generator, not the server, was the limit, so the knee is not the server&#39;s own.`);
      expect(page).toContain('<dt>what broke it</dt>');
      expect(page).toContain('generator CPU 96% of a core, event loop 94% busy');
      expect(page).toContain('gen 96%');
      expect(page).toContain('machine 140% of 200% (softirq 32%)');
    } finally {
      await f.cleanup();
    }
  });
});
