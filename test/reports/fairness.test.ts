import { describe, expect, it } from 'vitest';
import { orderWhy, orderWhys, unfairnessSentence, type FairnessInput, type OrderInput } from '../../reports/fairness.ts';
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

describe('the why of an unfair tail, from the run\'s send-order record', () => {
  const wait = (count: number, p50Ms: number, p99Ms: number) => ({ count, meanMs: null, p50Ms, p99Ms });
  const ordered = (index: number, requests: number, overtaken: number, maxOvertakers: number, w: [number, number, number], rest: [number, number, number], first?: [number, number, number]): StageStats => ({
    index, rps: 17.5, p99: 0,
    fairness: { perUser: null, p99OverP50: null, maxOverMean: null, order: { requests, overtaken, overtakenPct: Math.round((overtaken / requests) * 1000) / 10, inversions: 0, maxOvertakers, overtakenWait: wait(...w), inOrderWait: wait(...rest), ...(first ? { firstWait: wait(...first) } : {}) } },
  }) as StageStats;
  // Measured 2026-11-28, fair-short profile (40 users, 16 s): express-dev keep-alive vs flask-dev-nothreads;
  // the first-request waits from a 12-s fair-short run of express-dev (15 first requests answered in the steady part).
  const FIRST: [number, number, number] = [15, 4366.34, 10502.14];
  const FIRST_TEXT = '10,502 ms';
  const dev: OrderInput = { name: 'express-dev', runtime: 'node', concurrency: 1, stages: [ordered(0, 263, 206, 239, [206, 1102.85, 12107.78], [57, 355.58, 1020.42], FIRST)] };
  const flaskOrder: OrderInput = { name: 'flask-dev-nothreads', runtime: 'python', concurrency: 1, stages: [ordered(0, 264, 0, 0, [0, 0, 0], [264, 1482.75, 1745.92])] };

  it('names the share overtaken, the worst case, both waits, the targets in order, and the event-loop order for keep-alive Node', () => {
    expect(orderWhy(dev, [dev, flaskOrder], 'keep-alive')).toBe(
      'Why express-dev\'s tail is long: in stage 1, 78.3% of its responses came after a request sent later had already been answered (up to 239 later requests went ahead of one). '
      + 'Those waited p99 12,108 ms (median 1,103 ms), against p99 1,020 ms for the responses answered in turn. '
      + `The longest waits were users' first requests, each opening its user's connection: p99 ${FIRST_TEXT}. `
      + 'At the same stage flask-dev-nothreads answered its requests in the order they were sent (under 1% overtaken). '
      + 'A one-threaded server keeps serving the keep-alive connections it already holds, so a request on a connection not yet accepted waits behind them '
      + '(scripts/trace-order.ts traces it on the server side). With --connection close every request opens a new connection and waits its turn.',
    );
  });

  it('leaves out the one-thread clause for close, another runtime or several workers, and says nothing without disorder', () => {
    const clause = 'keeps serving the keep-alive connections it already holds';
    expect(orderWhy(dev, [dev, flaskOrder], 'keep-alive')).toContain(clause);
    expect(orderWhy(dev, [dev, flaskOrder], 'close')).not.toContain(clause);
    expect(orderWhy({ ...dev, runtime: 'python' }, [dev, flaskOrder], 'keep-alive')).not.toContain(clause);
    expect(orderWhy({ ...dev, concurrency: 4 }, [dev, flaskOrder], 'keep-alive')).not.toContain(clause);
    expect(orderWhy(flaskOrder, [dev, flaskOrder], 'keep-alive')).toBeNull();
    // Without first requests that waited long, neither the first-request nor the trace clause.
    const noFirst = orderWhy({ ...dev, stages: [ordered(0, 263, 206, 239, [206, 1102.85, 12107.78], [57, 355.58, 1020.42], [40, 900, 1500])] }, [dev], 'keep-alive');
    expect(noFirst).not.toContain('first requests');
    expect(noFirst).not.toContain('trace');
    // 9% overtaken, or too few responses to judge, is not called disorder.
    expect(orderWhy({ ...dev, stages: [ordered(0, 300, 27, 3, [27, 500, 900], [273, 500, 900])] }, [dev], 'keep-alive')).toBeNull();
    expect(orderWhy({ ...dev, stages: [ordered(0, 40, 30, 9, [30, 500, 900], [10, 500, 900])] }, [dev], 'keep-alive')).toBeNull();
    expect(orderWhy({ name: 'old', concurrency: 1, stages: [{ index: 0, rps: 1, p99: 1 } as StageStats] }, [], 'keep-alive')).toBeNull();
  });
});

describe('the headline explains only the tails it calls unfair', () => {
  const wait = (count: number, p50Ms: number, p99Ms: number) => ({ count, meanMs: null, p50Ms, p99Ms });
  const order = (requests: number, pct: number, most: number, over: [number, number, number], rest: [number, number, number]) =>
    ({ requests, overtaken: Math.round((requests * pct) / 100), overtakenPct: pct, inversions: 0, maxOvertakers: most, overtakenWait: wait(...over), inOrderWait: wait(...rest) });
  // Measured 2026-11-28 (launch, stage 3, commit 0f0de3d): worker-pool 49 req/s, p50 64 / p99 134 ms, Jain 0.999, 39.7% overtaken by at most 5;
  // express-dev 17.5 req/s, p50 996 ms / p99 7,987 ms, Jain 0.844, 75.3% overtaken by up to 145; flask-dev-nothreads 17.7 req/s, p50 1.5 s / p99 1,869 ms, in order.
  const at = (rps: number, p50: number, p99: number, jain: number, o: ReturnType<typeof order>): StageStats =>
    ({ index: 2, rps, p50, p99, fairness: { perUser: { users: 40, min: 0, median: 11, max: 20, jain }, p99OverP50: null, maxOverMean: null, order: o } }) as StageStats;
  const pool: OrderInput = { name: 'worker-pool', runtime: 'node', concurrency: 4, stages: [at(49, 64, 134.4, 0.999, order(1200, 39.7, 5, [476, 80, 145.9], [724, 60, 111.3]))] };
  const dev: OrderInput = { name: 'express-dev', runtime: 'node', concurrency: 1, stages: [at(17.5, 996, 7987, 0.844, order(437, 75.3, 145, [329, 1522, 8085.5], [108, 600, 1211.4]))] };
  const flask: OrderInput = { name: 'flask-dev-nothreads', runtime: 'python', concurrency: 1, stages: [at(17.7, 1500, 1868.8, 0.998, order(443, 0, 0, [0, 0, 0], [443, 1500, 1868.8]))] };

  it('names express-dev, whose tail it calls unfair, and not worker-pool, whose workers overtake each other by nature', () => {
    const whys = orderWhys([pool, dev, flask], 'keep-alive');
    expect(whys).toHaveLength(1);
    expect(whys[0]).toMatch(/^Why express-dev's tail is long: in stage 3, 75.3% /);
    // Alone, worker-pool's order record would have read as disorder: the gate is what keeps it out.
    expect(orderWhy(pool, [pool, dev, flask], 'keep-alive')).toMatch(/^Why worker-pool's tail is long/);
  });

  it('explains a target alone in its run when its users were served unevenly (no other target to compare with)', () => {
    expect(orderWhys([dev], 'keep-alive')).toHaveLength(1);
    expect(orderWhys([pool], 'keep-alive')).toEqual([]);
  });
});
