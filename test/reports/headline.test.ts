import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degradation } from '../../reports/degradation.ts';
import { buildHeadline } from '../../reports/headline.ts';
import { loadRun } from '../../harness/results/load.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { FAILED_NAME, INJECTED_NAME } from '../fixtures/run/synthetic-targets.ts';
import { tempFixtureRun } from './helpers.ts';
import type { StageStats, SummaryTarget } from '../../harness/results/format.ts';

const stage = (index: number, p95: number | null, errorPct = 0): StageStats => ({
  index, at: index * 10, end: index * 10 + 10, steadyFrom: index * 10 + 1, users: (index + 1) * 10, requests: 100, rps: 10,
  errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, errorsTotal: 0, errorPct, dropped: 0, corrected: null,
  count: 100, mean: p95, p50: p95, p90: p95, p95, p99: p95, p999: p95, max: p95,
});

describe('degradation maths', () => {
  it('takes the first broken stage from the summary, or judges old runs with the harness verdict', () => {
    expect(degradation([stage(0, 100), stage(1, 190), stage(2, 900)]).from?.index).toBe(2);
    expect(degradation([stage(0, 100), stage(1, 190), stage(2, 900)], { degradedFrom: 1 } as SummaryTarget).from?.index).toBe(1);
    expect(degradation([stage(0, 100), stage(1, 190)], { degradedFrom: null } as SummaryTarget).from).toBeNull();
    expect(degradation([stage(0, 10), stage(1, 55)]).from).toBeNull();
    expect(degradation([stage(0, 100), stage(1, 110, 2)]).from?.index).toBe(1);
    expect(degradation([stage(0, 100), stage(1, null)]).from?.index).toBe(1);
    expect(degradation([stage(0, 100), stage(1, 900), stage(2, 400)]).worst?.index).toBe(1);
  });
});

describe('headline on the synthetic run', () => {
  let run: RunData;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun();
    cleanup = f.cleanup;
    run = await loadRun(f.runDir);
  });
  afterAll(() => cleanup());

  it('says who held, who degraded from where and by how much, and who failed', () => {
    const h = buildHeadline(run);
    expect(h.title).toBe('1 of 4 held, 2 degraded, 1 failed');
    const by = Object.fromEntries(h.targets.map((t) => [t.name, t]));
    expect(by['express-cluster']!.status).toBe('held');
    expect(by['express-dev']!.sentence).toMatch(/^express-dev degraded from stage 3 \(32 users\): p95 rose from [\d.]+ ms in stage 1 to [\d,.]+ ms in stage 3 \(×[\d.]+\)/);
    expect(by[INJECTED_NAME]!.status).toBe('degraded');
    expect(by[FAILED_NAME]!.status).toBe('failed');
    expect(by[FAILED_NAME]!.sentence).toContain('Cannot find module');
  });

  it('explains with capacity ≈ concurrency ÷ mean service time against the peak measured load', () => {
    const h = buildHeadline(run);
    const peak = Math.max(...run.targets.flatMap((t) => t.stages.map((s) => s.rps)));
    expect(h.peak?.rps).toBe(peak);
    expect(h.why.join(' ')).toContain('≈ 18.2 req/s');
    expect(h.why.join(' ')).toContain('not the framework\'s name');
    const dev = h.capacity.find((c) => c.name === 'express-dev')!;
    expect(dev.capacity).toBeCloseTo(18.18, 2);
    expect(dev.ratio!).toBeLessThan(1);
  });

  it('for cpu work, capacity is concurrency ÷ mean too (the spin lasts its time on the clock), and says what the cores do limit', () => {
    const h = buildHeadline({ ...run, manifest: { ...run.manifest, work: 'cpu' }, theory: { ...run.theory, work: 'cpu' } });
    expect(h.capacity.find((c) => c.name === 'express-cluster')!.capacity).toBeCloseTo(4000 / 55, 6);
    expect(h.why.join(' ')).toContain('spins until its service time has passed on the clock');
  });

  it('for sleep work, says an async process overlaps the waits instead', () => {
    const h = buildHeadline({ ...run, manifest: { ...run.manifest, work: 'sleep' }, theory: { ...run.theory, work: 'sleep' } });
    expect(h.why.join(' ')).toMatch(/overlaps those waits/);
    expect(h.capacity).toEqual([]);
  });

  it('claims no capacity for a server of unknown concurrency, and warns when the generator saturated', () => {
    const targets = run.targets.map((t, i) => (i === 0
      ? { ...t, entry: { ...t.entry, concurrency: 0, generator: { saturated: true, reason: 'CPU over 90% for 5 s', peakCpuPct: 97, peakEldP99Ms: 40 } } }
      : t));
    const h = buildHeadline({ ...run, targets });
    expect(h.capacity.map((c) => c.name)).not.toContain('express-dev');
    expect(h.why[0]).toContain('load generator was saturated while driving express-dev (CPU over 90% for 5 s)');
  });
});
