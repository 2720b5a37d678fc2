import { describe, expect, it } from 'vitest';
import { median, turnCount, turnPlan } from '../../../bench/figures/efficiency.ts';

describe('turnPlan: the order the sides run in within a turn', () => {
  it('plain turns alternate which side goes first', () => {
    expect([0, 1, 2, 3].map((k) => turnPlan(['A', 'B'], k, false).join(''))).toEqual(['AB', 'BA', 'AB', 'BA']);
  });

  it('mirrored turns run each side twice, first and last in turn, so each side sits at both ends', () => {
    const turns = [0, 1, 2, 3].map((k) => turnPlan(['A', 'B'], k, true).join(''));
    expect(turns).toEqual(['ABBA', 'BAAB', 'ABBA', 'BAAB']);
    // A linear drift d·t over a turn's four slots 0..3 gives each side the same total: A at 0 + 3, B at 1 + 2.
    for (const t of turns) {
      const slots = (side: string) => [...t].flatMap((s, i) => (s === side ? [i] : [])).reduce((a, b) => a + b, 0);
      expect(slots('A')).toBe(slots('B'));
    }
  });

  it('leaves the caller\'s array as it was', () => {
    const sides = ['A', 'B'];
    turnPlan(sides, 1, true);
    expect(sides).toEqual(['A', 'B']);
  });
});

describe('median', () => {
  it('takes the middle turn, or the mean of the two middle ones, rounded to 0.01', () => {
    expect(median([1.2, 0.9, 1.0])).toBe(1.0);
    expect(median([1.0, 0.9, 1.11, 1.2])).toBe(1.06);
  });
});

describe('turnCount', () => {
  it('five turns, fewer when a turn would be under a second (the title says how many ran)', () => {
    expect([turnCount(10), turnCount(5), turnCount(4), turnCount(1)]).toEqual([5, 5, 4, 1]);
  });
});
