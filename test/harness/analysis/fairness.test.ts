import { describe, expect, it } from 'vitest';
import { jainIndex, median, spreadOfUsers, stageFairness } from '../../../harness/analysis/fairness.ts';

describe('fairness maths', () => {
  it("Jain's index: 1 for equal shares, 1/n when one user gets everything, in between otherwise", () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([20, 0, 0, 0])).toBe(0.25);
    // (1+2+3+4)² / (4·(1+4+9+16)) = 100 / 120
    expect(jainIndex([1, 2, 3, 4])).toBe(0.833);
    expect(jainIndex([])).toBeNull();
    expect(jainIndex([0, 0])).toBeNull();
  });

  it('median of odd and even counts', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('per-user spread counts a starved user as 0', () => {
    // 33² / (4·365) = 1089 / 1460
    expect(spreadOfUsers([12, 0, 10, 11])).toEqual({ users: 4, min: 0, median: 10.5, max: 12, jain: 0.746, counts: [12, 0, 10, 11] });
    expect(spreadOfUsers([])).toBeNull();
  });

  it('tail ratios: p99 ÷ p50 and max ÷ mean, null when a figure is missing', () => {
    expect(stageFairness([3, 3], { p50: 800, p99: 9600, max: 10000, mean: 1250 })).toEqual({
      perUser: { users: 2, min: 3, median: 3, max: 3, jain: 1, counts: [3, 3] }, p99OverP50: 12, maxOverMean: 8,
    });
    expect(stageFairness([], { p50: null, p99: 5, max: 5, mean: 0 })).toEqual({ perUser: null, p99OverP50: null, maxOverMean: null });
  });
});

describe('the recorder counts responses per virtual user in each stage\'s steady part', () => {
  it('writes fairness into the stage, a starved user as 0', async () => {
    const { Recorder } = await import('../../../harness/record/recorder.ts');
    const r = new Recorder({ windows: [{ index: 0, at: 0, end: 2, steadyFrom: 0, users: 3 }], duration: 2, expectedIntervalUs: null });
    // User 1's one request was overtaken by user 0's last two.
    for (const [t, user, ms, overtakers] of [[0.1, 0, 50, 0], [0.5, 0, 50, 0], [1.2, 0, 50, 0], [1.5, 1, 500, 2]] as const) {
      r.ok(t, ms * 1000);
      r.served(t, user, { overtakers, latencyUs: ms * 1000, first: t === 0.1 || user === 1 });
    }
    const stage = r.finish().stages[0]!;
    expect(stage.fairness?.perUser).toEqual({ users: 3, min: 0, median: 1, max: 3, jain: 0.533, counts: [3, 1, 0] });
    expect(stage.fairness?.p99OverP50).toBeGreaterThan(9);
    const order = stage.fairness?.order;
    expect(order && [order.requests, order.overtaken, order.overtakenPct, order.inversions, order.maxOvertakers]).toEqual([4, 1, 25, 2, 2]);
    expect(order?.overtakenWait.count).toBe(1);
    expect(order?.overtakenWait.meanMs).toBeCloseTo(500, -1);
    expect(order?.inOrderWait.meanMs).toBeCloseTo(50, 0);
    // Each user's first request (user 0's at 0.1 s, user 1's only one): 50 and 500 ms.
    expect(order?.firstWait?.count).toBe(2);
    expect(order?.firstWait?.p99Ms).toBeCloseTo(500, -1);
  });

  it('counts only the users a stage keeps: one stopping early in a lower stage is not a starved user', async () => {
    const { Recorder } = await import('../../../harness/record/recorder.ts');
    const r = new Recorder({ windows: [{ index: 0, at: 0, end: 2, steadyFrom: 0, users: 2 }], duration: 2, expectedIntervalUs: null });
    for (const [t, user] of [[0.1, 0], [0.2, 1], [0.3, 2], [1.1, 0], [1.2, 1]] as const) {
      r.ok(t, 50_000);
      r.served(t, user);
    }
    expect(r.finish().stages[0]!.fairness?.perUser).toEqual({ users: 2, min: 2, median: 2, max: 2, jain: 1, counts: [2, 2] });
  });
});
