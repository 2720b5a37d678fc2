import { describe, expect, it } from 'vitest';
import { unfairnessSentence, type FairnessInput } from '../../reports/fairness.ts';
import type { StageStats } from '../../harness/results/format.ts';

const stage = (index: number, rps: number, p99: number, perUser?: NonNullable<StageStats['fairness']>['perUser']): StageStats =>
  ({ index, rps, p99, ...(perUser ? { fairness: { perUser, p99OverP50: null, maxOverMean: null } } : {}) }) as StageStats;

const express: FairnessInput = { name: 'express-dev', stages: [stage(0, 6.3, 130), stage(2, 17.7, 9600, { users: 40, min: 2, median: 14, max: 30, jain: 0.81 })] };
const flask: FairnessInput = { name: 'flask-dev-nothreads', stages: [stage(0, 6.3, 120), stage(2, 17.6, 1900)] };
const pool: FairnessInput = { name: 'worker-pool', stages: [stage(0, 6.4, 96), stage(2, 49, 115)] };

describe('the headline names an unfair target in words, with numbers', () => {
  it('says nothing when the longer tail is a longer queue, not disorder (users served evenly, tail as spread)', () => {
    // Measured 2026-11-28 (launch, stage 3): express-cluster p50 85 / p99 266 ms, users 27–32 responses each; flask-dev p50 58 / p99 101 ms.
    const cluster: FairnessInput = { name: 'express-cluster', stages: [{ ...stage(2, 47.2, 266, { users: 40, min: 27, median: 29, max: 32, jain: 1 }), p50: 85 } as StageStats] };
    const flaskThreaded: FairnessInput = { name: 'flask-dev', stages: [{ ...stage(2, 49.6, 101), p50: 58 } as StageStats] };
    expect(unfairnessSentence(cluster, [cluster, flaskThreaded])).toBeNull();
    // The same tail with the p50 of an out-of-order server (most answered fast, a few starved) is named.
    const starved: FairnessInput = { name: 'starved', stages: [{ ...stage(2, 47.2, 266), p50: 30 } as StageStats] };
    expect(unfairnessSentence(starved, [starved, flaskThreaded])).toContain('not served in arrival order');
  });

  it('same req/s as another target but a p99 several times longer', () => {
    expect(unfairnessSentence(express, [express, flask, pool])).toBe(
      'In stage 3, express-dev served the same req/s as flask-dev-nothreads (17.7 req/s vs 17.6 req/s), but 1% of its requests waited 5.1× longer '
      + '(p99 9,600 ms vs 1,900 ms): requests are not served in arrival order. Its 40 users got between 2 and 30 responses each (median 14, Jain\'s index 0.81).',
    );
  });

  it('says nothing when the tails are alike or the throughputs differ', () => {
    expect(unfairnessSentence(flask, [express, flask, pool])).toBeNull();
    expect(unfairnessSentence(pool, [express, flask, pool])).toBeNull();
  });
});
