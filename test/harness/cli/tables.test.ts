import { describe, expect, it } from 'vitest';
import { formatCapacity, formatKnee } from '../../../harness/cli/mode-tables.ts';
import { formatResults } from '../../../harness/cli/results-table.ts';
import { formatSpread } from '../../../harness/cli/spread-table.ts';
import { alignColumns } from '../../../harness/cli/table.ts';
import type { CapacityRow, KneeRow, StageStats, Summary, SummaryTarget } from '../../../harness/results/format.ts';

const noErrors = { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 };
const stage = (index: number, users: number, rps: number, p50: number, p95: number, p99: number, errorsTotal = 0, errorPct = 0) =>
  ({ index, users, rps, p50, p95, p99, errorsTotal, errorPct, errors: { ...noErrors, timeout: errorsTotal } }) as unknown as StageStats;
const target = (name: string, concurrency: number, verdict: string, extra: Partial<SummaryTarget> = {}): SummaryTarget =>
  ({ name, concurrency, state: 'ok', status: 'held', degradedFrom: null, stages: [], verdict, ...extra });
const summary = (targets: SummaryTarget[]): Summary => ({ schemaVersion: 1, runId: 'r', profile: 'smoke', work: 'block', targets });

describe('alignColumns', () => {
  it('left-aligns the first column, right-aligns the rest, two spaces apart', () => {
    expect(alignColumns([['name', 'n'], ['a', '1000'], ['longer', '2']])).toBe(['name       n', 'a       1000', 'longer     2'].join('\n'));
  });
});

describe('the end-of-run table', () => {
  const s = summary([target('express-dev', 1, 'degraded from stage 2'), target('worker-pool', 4, 'held'), target('broken', 0, 'failed: boom'), target('flask-dev', 0, 'held')]);

  it('one block per target: a row per stage, errors with their share, then the verdict', () => {
    const stages = new Map<string, StageStats[] | Error>([
      ['express-dev', [stage(0, 2, 5.44, 52, 95, 99), stage(1, 20, 17.96, 1480, 2950, 3300, 12, 3.4)]],
      ['worker-pool', [stage(0, 2, 5.5, 51, 94, 98)]],
      ['broken', []],
      ['flask-dev', []],
    ]);
    expect(formatResults(s, stages, 'users', new Set(['broken']))).toBe([
      'express-dev — concurrency 1',
      '  stage  users  req/s    p50    p95    p99     errors',
      '  1          2    5.4  52 ms  95 ms  99 ms          0',
      '  2         20   18.0  1.5 s  3.0 s  3.3 s  12 (3.4%)',
      '  → degraded from stage 2',
      '',
      'worker-pool — concurrency 4',
      '  stage  users  req/s    p50    p95    p99  errors',
      '  1          2    5.5  51 ms  94 ms  98 ms       0',
      '  → held',
      '',
      'broken — concurrency unknown',
      '  (no measurements)',
      '  → failed: boom',
      '',
      'flask-dev — concurrency no fixed bound',
      '  (no measurements)',
      '  → held',
    ].join('\n'));
  });

  it('open model: the second column is the rate', () => {
    expect(formatResults(summary([target('fastify', 1, 'held')]), new Map([['fastify', [stage(0, 45, 44.9, 55, 98, 99)]]]), 'req/s')).toContain('  stage  rate  req/s');
  });

  it('a stages.json that could not be read says so instead of "(no measurements)"', () => {
    const text = formatResults(summary([target('express-dev', 1, 'held')]), new Map([['express-dev', new Error('express-dev/stages.json unreadable: Unexpected end of JSON input')]]), 'users');
    expect(text).toBe('express-dev — concurrency 1\n  (express-dev/stages.json unreadable: Unexpected end of JSON input)\n  → held');
  });
});

describe('the --repeat table', () => {
  it('min / median / max per stage, and the verdict on the medians', () => {
    const spread = { n: 3, rps: { min: 17.1, median: 17.9, max: 18.4 }, p50: { min: 1400, median: 1480, max: 1600 }, p95: { min: 2800, median: 2950, max: 3100 } };
    const t = target('express-dev', 1, 'degraded from stage 2', { repeats: 3, stages: [{ index: 0, users: 20, rps: 17.9, p50: 1480, p95: 2950, p99: 3300, errors: 0, spread }] });
    expect(formatSpread(summary([t]), 'users')).toBe([
      'express-dev — concurrency 1, 3 repeat(s)',
      '  stage  users  req/s min / med / max    p50 min / med / max    p95 min / med / max  n',
      '  1         20     17.1 / 17.9 / 18.4  1.4 s / 1.5 s / 1.6 s  2.8 s / 3.0 s / 3.1 s  3',
      '  → on the medians: degraded from stage 2',
    ].join('\n'));
  });
});

describe('the mode tables', () => {
  const cap = (name: string, extra: Partial<CapacityRow>): CapacityRow => ({
    name, concurrency: 1, work: 'block', connections: 16, seconds: 10, rps: 17.8, p50: 880, p95: 910, p99: 950, errors: 0, timeouts: 0,
    theoreticalRps: 18.2, state: 'ok', error: null, ...extra,
  } as CapacityRow);

  it('capacity: measured next to theory, and a failed target with its reason', () => {
    expect(formatCapacity([cap('express-dev', {}), cap('broken', { state: 'failed', error: 'did not start', rps: null, p50: null, p95: null, p99: null })])).toBe([
      'target           conc.  conns  req/s  theory  of theory     p50     p95     p99  errors  timeouts',
      'express-dev          1     16   17.8    18.2        98%  880 ms  910 ms  950 ms       0         0',
      'broken (failed)      1     16      —    18.2          —       —       —       —       0         0',
      '  broken: did not start',
    ].join('\n'));
  });

  it('knee: the bracket per target beside theory, then every step with why it held or broke', () => {
    const evidence = (state: string, reason: string) => ({ state, reason });
    const knee = {
      name: 'express-dev', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 8, maxSustainableRps: 16, lowestBrokenRps: 32, stoppedBy: 'bracketed', theoreticalRps: 18.2,
      steps: [
        { rate: 8, ok: true, seconds: 8, evidence: evidence('steady', 'steady: backlog +0.2 (allows 3)') },
        { rate: 16, ok: true, seconds: 8, evidence: evidence('steady', 'steady: backlog +1 (allows 3)') },
        { rate: 32, ok: false, seconds: 5, evidence: evidence('broken', 'p95 900 ms (median second of the step\'s second half), past the 500 ms SLO') },
      ],
      state: 'ok', error: null,
    } as unknown as KneeRow;
    const none = { ...knee, name: 'slow', maxSustainableRps: null, lowestBrokenRps: 4, steps: [{ rate: 4, ok: false, p95: 700, achievedRps: 3 }], stoppedBy: 'min-rate' } as KneeRow;
    expect(formatKnee([knee, none])).toBe([
      'target       conc.  knee bracket req/s  reported knee  theory  of theory  p95 SLO  steps  stopped by',
      'express-dev      1         16.0 – 32.0           16.0    18.2        88%   500 ms      3   bracketed',
      'slow             1           < 4 – 4.0              —    18.2          —   500 ms      1    min-rate',
      '',
      'steps (✓ steady / ✗ broken or unsettled), in the order run:',
      '  express-dev:',
      '    ✓    8.0 req/s  8 s: steady: backlog +0.2 (allows 3)',
      '    ✓   16.0 req/s  8 s: steady: backlog +1 (allows 3)',
      "    ✗   32.0 req/s  5 s: p95 900 ms (median second of the step's second half), past the 500 ms SLO",
      '  slow:',
      '    ✗    4.0 req/s: p95 700 ms, served 3.0 req/s',    ].join('\n'));
  });

  it('knee: a search where no step broke shows its figure as a lower bound and says so', () => {
    const held = (rate: number) => ({ rate, ok: true, seconds: 8, evidence: { state: 'steady', reason: 'steady' } });
    const knee = {
      name: 'fastify-hello', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 8, maxSustainableRps: 100_000, lowestBrokenRps: null, found: 'lower-bound', stoppedBy: 'max-rate', theoreticalRps: null,
      steps: [held(50_000), held(100_000)], state: 'ok', error: null,
    } as unknown as KneeRow;
    const out = formatKnee([knee]).split('\n');
    expect(out[1]).toBe('fastify-hello      1          ≥ 100000.0     ≥ 100000.0       —          —   500 ms      2    max-rate');
    expect(out.slice(-2)).toEqual(['no knee found (no step broke):', '  fastify-hello: every step held, up to 100000.0 req/s (stopped by max-rate): a lower bound, not the knee']);
    // An older row without `found` reads the same from its steps.
    expect(formatKnee([{ ...knee, found: undefined }])).toBe(formatKnee([knee]));
  });

  it('knee: a broken step says which side was the limit, and so does the bracket\'s upper end', () => {
    const limit = { by: 'generator', reason: 'the generator was saturated: generator CPU 97% of a core' };
    const knee = {
      name: 'fastify-hello', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 8, maxSustainableRps: 20000, lowestBrokenRps: 25000, brokenBy: limit, stoppedBy: 'bracketed', theoreticalRps: null,
      steps: [
        { rate: 20000, ok: true, seconds: 8, evidence: { state: 'steady', reason: 'steady' } },
        { rate: 25000, ok: false, seconds: 5, evidence: { state: 'broken', reason: 'backlog grew' }, limit },
      ],
      state: 'ok', error: null,
    } as unknown as KneeRow;
    const out = formatKnee([knee]).split('\n');
    expect(out.slice(-6)).toEqual([
      '    ✓ 20000.0 req/s  8 s: steady',
      '    ✗ 25000.0 req/s  5 s: backlog grew',
      '        the generator, not the server, was the limit: the generator was saturated: generator CPU 97% of a core',
      '',
      'what limited the lowest rate that broke:',
      "  fastify-hello: at ≥ 25000.0 req/s the generator, not the server, was the limit: the knee is not the server's own",
    ]);
  });
});
