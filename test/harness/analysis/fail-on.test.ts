import { describe, expect, it } from 'vitest';
import { breachesOf, FailOnError, parseFailOn } from '../../../harness/analysis/fail-on.ts';
import { compareCell } from '../../../harness/analysis/compare.ts';
import type { CompareTarget } from '../../../harness/results/format.ts';

describe('parseFailOn', () => {
  it('parses the documented example', () => {
    expect(parseFailOn('p95:+10%,rps:-5%,errors:+1pp')).toEqual([
      { text: 'p95:+10%', metric: 'p95', amount: 10, unit: '%' },
      { text: 'rps:-5%', metric: 'rps', amount: 5, unit: '%' },
      { text: 'errors:+1pp', metric: 'errors', amount: 1, unit: 'pp' },
    ]);
  });

  it('accepts spaces, decimals, ms and a missing sign (the regression direction)', () => {
    expect(parseFailOn(' p99:25ms , p50:+2.5% ')).toEqual([
      { text: 'p99:25ms', metric: 'p99', amount: 25, unit: 'ms' },
      { text: 'p50:+2.5%', metric: 'p50', amount: 2.5, unit: '%' },
    ]);
  });

  it.each([
    ['', /empty/],
    ['p95', /"p95" is not METRIC/],
    ['p95:+10%,', /"" is not METRIC/],
    ['p97:+10%', /metric must be one of p50, p95, p99, rps, errors, got "p97"/],
    ['rps:+5%', /rps regresses downwards, so write rps:-5%/],
    ['p95:-10%', /p95 regresses upwards/],
    ['errors:+1%', /errors takes pp, got %/],
    ['rps:-5ms', /rps takes %, got ms/],
    ['p95:+ten%', /is not METRIC/],
  ])('refuses %j naming the rule', (text, message) => {
    expect(() => parseFailOn(text)).toThrow(FailOnError);
    expect(() => parseFailOn(text)).toThrow(message);
  });
});

describe('breachesOf', () => {
  const target = (cells: ReturnType<typeof compareCell>[]): CompareTarget[] => [{ name: 't', baseRepeats: 5, newRepeats: 5, stages: [{ index: 2, baseLoad: 40, newLoad: 40, cells }] }];
  const worse20 = compareCell('p95', [100, 100, 100, 100, 100].map((x, i) => x + i), [120, 120, 120, 120, 120].map((x, i) => x + i), 0.95);

  it('fails a significant regression larger than the rule', () => {
    const b = breachesOf(target([worse20]), parseFailOn('p95:+10%'));
    expect(b).toEqual([{ rule: 'p95:+10%', target: 't', stage: 2, metric: 'p95', deltaAbs: 20, deltaPct: 20 / 102 * 100, p: 2 / 252 }]);
  });

  it('passes a significant regression smaller than the rule, and one of another metric', () => {
    expect(breachesOf(target([worse20]), parseFailOn('p95:+25%,p95:+30ms,rps:-1%'))).toEqual([]);
  });

  it('passes a large regression that is not significant (3 vs 3, or one run a side)', () => {
    const three = compareCell('p95', [100, 101, 102], [300, 301, 302], 0.95);
    const one = compareCell('p95', [100], [300], 0.95);
    expect(breachesOf(target([three, one]), parseFailOn('p95:+10%'))).toEqual([]);
  });

  it('counts errors in percentage points', () => {
    const errs = compareCell('errors', [0, 0, 0, 0, 0.1], [2, 3, 2.5, 4, 3], 0.95);
    expect(breachesOf(target([errs]), parseFailOn('errors:+1pp'))).toHaveLength(1);
    expect(breachesOf(target([errs]), parseFailOn('errors:+5pp'))).toEqual([]);
  });
});
