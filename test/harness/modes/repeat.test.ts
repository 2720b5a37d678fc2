import { describe, expect, it } from 'vitest';
import { RepeatBook, repeatDir, repeatPlan, worstState } from '../../../harness/modes/repeat.ts';
import type { StageStats, SummaryTarget, TargetEntry } from '../../../harness/results/format.ts';

describe('repeatPlan', () => {
  it('interleaves the targets: A B C A B C', () => {
    expect(repeatPlan(['A', 'B', 'C'], 2).map((p) => `${p.target}${p.repeat}`)).toEqual(['A1', 'B1', 'C1', 'A2', 'B2', 'C2']);
    expect(repeatPlan(['A', 'B'], 2).map((p) => p.targetIndex)).toEqual([0, 1, 0, 1]);
  });

  it('with one repeat is the targets in order', () => {
    expect(repeatPlan(['A', 'B'], 1).map((p) => p.target)).toEqual(['A', 'B']);
  });
});

describe('repeatDir', () => {
  it('keeps repeat 1 in the usual folder and nests later ones', () => {
    expect(repeatDir('express-dev', 1)).toBe('express-dev');
    expect(repeatDir('express-dev', 3)).toBe('express-dev/r3');
  });
});

describe('worstState', () => {
  it('shows a failure first, then an interruption', () => {
    expect(worstState(['ok', 'interrupted', 'failed'])).toBe('failed');
    expect(worstState(['ok', 'interrupted'])).toBe('interrupted');
    expect(worstState(['ok', 'ok'])).toBe('ok');
  });
});

describe('RepeatBook', () => {
  const entry = (name: string, repeat: number, state: TargetEntry['state'] = 'ok'): TargetEntry => ({
    name, description: '', concurrency: 1, size: 1, state, error: state === 'ok' ? null : 'x', dir: repeatDir(name, repeat), repeat,
  });
  const stages = (p95: number): StageStats[] => [{
    index: 0, at: 0, end: 10, steadyFrom: 1, users: 2, requests: 50, rps: 5, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 },
    errorsTotal: 0, errorPct: 0, dropped: 0, count: 50, mean: 50, p50: 50, p90: p95, p95, p99: p95, p999: p95, max: p95, corrected: null,
  }];
  const summarize = (e: TargetEntry, s: StageStats[]): SummaryTarget => ({
    name: e.name, concurrency: e.concurrency, state: e.state, status: 'held', verdict: `p95 ${s[0]?.p95}`,
    stages: s.map((x) => ({ index: x.index, users: x.users, rps: x.rps, p50: x.p50, p95: x.p95, p99: x.p99, errors: x.errorsTotal })),
  });

  it('keeps one summary entry per target, in --targets order, with medians and their spread', () => {
    const book = new RepeatBook('r', 3);
    book.add(1, entry('B', 1), stages(10));
    book.add(0, entry('A', 1), stages(100));
    book.add(0, entry('A', 2), stages(300));
    book.add(0, entry('A', 3), stages(200));
    const [a, b] = book.summaryTargets(summarize);
    expect(a).toMatchObject({ name: 'A', repeats: 3, state: 'ok', verdict: 'p95 200' });
    expect(a!.stages[0]).toMatchObject({ p95: 200, spread: { n: 3, p95: { min: 100, median: 200, max: 300 } } });
    expect(b).toMatchObject({ name: 'B', repeats: 1 });
    expect(book.spread().targets.map((t) => t.runs.map((r) => r.dir))).toEqual([['A', 'A/r2', 'A/r3'], ['B']]);
  });

  it('marks a target failed when one of its repeats failed, and says how many', () => {
    const book = new RepeatBook('r', 2);
    book.add(0, entry('A', 1), stages(100));
    book.add(0, entry('A', 2, 'failed'), stages(900));
    const [a] = book.summaryTargets(summarize);
    expect(a).toMatchObject({ state: 'failed', verdict: 'p95 100' });
    expect(a!.stages[0]!.spread).toMatchObject({ n: 1 });
  });
});
