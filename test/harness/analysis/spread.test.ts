import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_VERSION, type StageStats } from '../../../harness/results/format.ts';
import { countedRuns, median, medianStages, spreadCsv, spreadFile, spreadOf, spreadTarget, stageSpreads, type RepeatRun } from '../../../harness/analysis/spread.ts';

function stage(index: number, o: Partial<StageStats>): StageStats {
  return {
    index, at: index * 10, end: index * 10 + 10, steadyFrom: index * 10 + 1, users: (index + 1) * 10,
    requests: 100, rps: 10, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, errorsTotal: 0, errorPct: 0, dropped: 0,
    count: 100, mean: 50, p50: 50, p90: 80, p95: 90, p99: 99, p999: 100, max: 100, corrected: null, ...o,
  };
}

const run = (repeat: number, state: RepeatRun['state'], stages: StageStats[]): RepeatRun => ({ repeat, dir: repeat === 1 ? 'a' : `a/r${repeat}`, state, stages });

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('refuses an empty list rather than invent a number', () => {
    expect(() => median([])).toThrow(/at least one value/);
  });
});

describe('spreadOf', () => {
  it('gives min, median and max of the values present, skipping repeats without one', () => {
    expect(spreadOf([120, null, 100, 300])).toEqual({ min: 100, median: 120, max: 300 });
  });

  it('is null when no repeat measured the metric', () => {
    expect(spreadOf([null, null])).toBeNull();
  });

  it('rounds the median of an even count to 2 decimals', () => {
    expect(spreadOf([1.111, 2.222])).toEqual({ min: 1.111, median: 1.67, max: 2.222 });
  });
});

describe('stageSpreads', () => {
  const runs = [
    run(1, 'ok', [stage(0, { p50: 50, p95: 100, rps: 10 }), stage(1, { p50: 600, p95: 3000, rps: 18 })]),
    run(2, 'ok', [stage(0, { p50: 60, p95: 140, rps: 9 }), stage(1, { p50: 700, p95: 3600, rps: 19 })]),
    run(3, 'ok', [stage(0, { p50: 55, p95: 430, rps: 11 }), stage(1, { p50: 650, p95: null, rps: 0 })]),
  ];

  it('spreads each stage across the repeats, in repeat order', () => {
    const [s0, s1] = stageSpreads(runs);
    expect(s0).toMatchObject({ index: 0, users: 10, n: 3, p50: { min: 50, median: 55, max: 60 }, p95: { min: 100, median: 140, max: 430 }, rps: { min: 9, median: 10, max: 11 } });
    expect(s0!.values).toEqual({ p50: [50, 60, 55], p95: [100, 140, 430], rps: [10, 9, 11] });
    expect(s1!.p95).toEqual({ min: 3000, median: 3300, max: 3600 });
    expect(s1!.repeats).toEqual([1, 2, 3]);
  });

  it('leaves out a failed repeat while any repeat finished ok', () => {
    const withFailure = [...runs.slice(0, 2), run(3, 'failed', [stage(0, { p95: 9999, rps: 1 })])];
    expect(countedRuns(withFailure).map((r) => r.repeat)).toEqual([1, 2]);
    expect(stageSpreads(withFailure)[0]).toMatchObject({ n: 2, p95: { min: 100, median: 120, max: 140 } });
  });

  it('falls back to every repeat that measured something when none finished ok', () => {
    const broken = [run(1, 'failed', [stage(0, { rps: 3 })]), run(2, 'interrupted', []), run(3, 'failed', [stage(0, { rps: 5 })])];
    expect(stageSpreads(broken)[0]).toMatchObject({ n: 2, rps: { min: 3, median: 4, max: 5 } });
  });

  it('counts only the repeats that reached a stage', () => {
    const short = [run(1, 'interrupted', [stage(0, {}), stage(1, {})]), run(2, 'interrupted', [stage(0, {})])];
    expect(stageSpreads(short).map((s) => s.n)).toEqual([2, 1]);
  });
});

describe('medianStages', () => {
  it('takes each stage figure as the median across repeats, so it matches the spread', () => {
    const runs = [
      run(1, 'ok', [stage(0, { p95: 100, rps: 10, requests: 90, errorsTotal: 0 })]),
      run(2, 'ok', [stage(0, { p95: 140, rps: 9, requests: 100, errorsTotal: 2 })]),
      run(3, 'ok', [stage(0, { p95: 430, rps: 11, requests: 110, errorsTotal: 4 })]),
    ];
    const [m] = medianStages(runs);
    expect(m).toMatchObject({ index: 0, users: 10, p95: 140, rps: 10, requests: 100, errorsTotal: 2, corrected: null });
    expect(m!.p95).toBe(stageSpreads(runs)[0]!.p95!.median);
  });
});

describe('spreadCsv', () => {
  it('writes one row per target and stage, stages numbered from 1, blanks for a missing metric', () => {
    const file = spreadFile('run-1', 2, [spreadTarget('express-dev', 1, [
      run(1, 'ok', [stage(0, { p50: 50, p95: 100, rps: 10 })]),
      run(2, 'ok', [stage(0, { p50: 70, p95: 140, rps: 12 })]),
    ]), spreadTarget('dead', 1, [run(1, 'failed', [stage(0, { p50: null, p95: null, rps: 0 })])])]);
    expect(spreadCsv(file)).toBe([
      'target,stage,users,n,p50_ms_min,p50_ms_median,p50_ms_max,p95_ms_min,p95_ms_median,p95_ms_max,rps_min,rps_median,rps_max',
      'express-dev,1,10,2,50,60,70,100,120,140,10,11,12',
      'dead,1,10,1,,,,,,,0,0,0',
      '',
    ].join('\n'));
    expect(file).toMatchObject({ schemaVersion: RESULTS_SCHEMA_VERSION, runId: 'run-1', repeats: 2 });
    expect(file.targets[0]!.runs).toEqual([{ repeat: 1, dir: 'a', state: 'ok' }, { repeat: 2, dir: 'a/r2', state: 'ok' }]);
  });
});
