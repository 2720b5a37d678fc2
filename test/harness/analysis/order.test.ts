import { describe, expect, it } from 'vitest';
import { OrderTally, SendOrder } from '../../../harness/analysis/order.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';

/** The oracle, offline and O(n²): `answerOrder[i]` = send order of the i-th answer; each answer's overtakers. */
function overtakers(answerOrder: readonly number[]): number[] {
  return answerOrder.map((seq, i) => answerOrder.slice(0, i).filter((s) => s > seq).length);
}

describe('send order against answer order', () => {
  it('first come, first served overtakes nothing', () => {
    expect(overtakers([0, 1, 2, 3])).toEqual([0, 0, 0, 0]);
  });

  it('counts, for each answer, the requests sent after it and answered before it', () => {
    // Sent 0,1,2,3,4; answered 3,0,4,1,2: 0 waited behind 3; 1 behind 3 and 4; 2 behind 3 and 4.
    expect(overtakers([3, 0, 4, 1, 2])).toEqual([0, 1, 0, 2, 2]);
    // Last in, first out: the first request is overtaken by all three others.
    expect(overtakers([3, 2, 1, 0])).toEqual([0, 1, 2, 3]);
  });

  it('the online count (in-flight requests only) agrees with the offline one', () => {
    const order = new SendOrder();
    const seq = [order.send(), order.send(), order.send()]; // 0, 1, 2 out
    expect(seq).toEqual([0, 1, 2]);
    expect(order.settle(2)).toBe(0);
    const s3 = order.send(); // 3 out while 0 and 1 wait
    expect(order.settle(3)).toBe(0);
    expect(order.settle(0)).toBe(2); // 2 and 3 went first
    expect(order.settle(1)).toBe(2);
    expect(overtakers([2, s3, 0, 1])).toEqual([0, 0, 2, 2]);
  });

  it('agrees with the oracle on long random runs, from 1 to 300 in flight (compaction included)', () => {
    for (const [seed, cap] of [[1, 1], [2, 2], [3, 10], [4, 50], [5, 300]] as const) {
      const rand = mulberry32(seed);
      const order = new SendOrder();
      const out: number[] = [];
      const answered: number[] = [];
      const online: number[] = [];
      for (let step = 0; step < 20_000; step++) {
        // Send while under the cap (sometimes a burst), else settle a random one: a hung request
        // stays out for thousands of answers, which is what the compaction has to survive.
        if (out.length < cap && (out.length === 0 || rand() < 0.5)) out.push(order.send());
        else {
          const i = out[0] === 0 && rand() < 0.999 ? 1 + Math.floor(rand() * (out.length - 1)) : Math.floor(rand() * out.length);
          if (i >= out.length) continue;
          const [seq] = out.splice(i, 1);
          answered.push(seq!);
          online.push(order.settle(seq!));
        }
      }
      expect(online).toEqual(overtakers(answered));
      expect(answered.length).toBeGreaterThan(5000);
    }
  });

  it('tallies a stage: share overtaken, pairs, the worst case', () => {
    const t = new OrderTally();
    for (const n of [0, 1, 0, 2, 2, 0, 0, 0, 0, 7]) t.add(n);
    const wait = { count: 4, meanMs: 900, p50Ms: 800, p99Ms: 4000 };
    const rest = { count: 6, meanMs: 300, p50Ms: 250, p99Ms: 700 };
    expect(t.stats(wait, rest)).toEqual({ requests: 10, overtaken: 4, overtakenPct: 40, inversions: 12, maxOvertakers: 7, overtakenWait: wait, inOrderWait: rest });
    expect(new OrderTally().stats(wait, rest)).toBeNull();
  });
});
