import { describe, expect, it } from 'vitest';
import { backlogNoise, backlogOf, judgeSteady, median, slope, STEADY_RULE, steadyEvidence, type LoadSecond } from '../../../harness/analysis/steady-state.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';

/** `n` seconds of `offered` req/s, with `served`, `p95` and failures given per second. */
function series(n: number, offered: number, served: (i: number) => number, p95: (i: number) => number | null, failed: (i: number) => number = () => 0): LoadSecond[] {
  return Array.from({ length: n }, (_, i) => ({ offered, served: served(i), failed: failed(i), p95: p95(i) }));
}

const fromRows = (offered: number, rows: [number, number, number | null][]): LoadSecond[] =>
  rows.map(([served, failed, p95]) => ({ offered, served, failed, p95 }));

describe('steady-state helpers', () => {
  it('backlog is the running sum of offered − served − failed', () => {
    expect(backlogOf([{ offered: 10, served: 8, failed: 1, p95: 1 }, { offered: 10, served: 12, failed: 0, p95: 1 }])).toEqual([1, -1]);
  });

  it('slope is the least-squares slope; median is the middle value', () => {
    expect(slope([1, 3, 5, 7])).toBe(2);
    expect(slope([4, 4, 4])).toBe(0);
    expect(slope([1])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('judgeSteady on constructed series', () => {
  it('flat: served keeps pace, latency level → steady, with its evidence', () => {
    const e = judgeSteady(series(10, 17, () => 17, () => 100), { sloMs: 500 });
    expect(e.state).toBe('steady');
    expect(e.backlogGrowth).toBe(0);
    expect(e.servedRatio).toBe(1);
    expect(e.p95FirstHalf).toBe(100);
    expect(e.p95SecondHalf).toBe(100);
    expect(e.p95SlopeMsPerS).toBe(0);
    expect(e.judgedFrom).toBe(3);
    expect(e.reason).toMatch(/^steady/);
    expect(e.decidedBy).toBeNull();
  });

  it('slowly growing backlog (4% short, latency flat and under the SLO) → not steady', () => {
    // 18.2 offered, 17.5 served: 0.7 req/s join the queue; p95 says nothing yet.
    const e = judgeSteady(series(10, 18.2, () => 17.5, () => 150), { sloMs: 500 });
    expect(e.state).not.toBe('steady');
    expect(e.backlogGrowth).toBeGreaterThan(e.backlogAllowance);
    expect(e.reason).toMatch(/backlog grew|served/);
    // Held three times as long, the same shortfall is clearly broken.
    expect(judgeSteady(series(40, 18.2, () => 17.5, () => 150), { sloMs: 500 }).state).toBe('broken');
  });

  it('rising latency under the SLO (served keeps pace) → not steady', () => {
    // p95 climbs 20 ms a second, from 100 to 280 ms: never near the 500 ms SLO.
    const e = judgeSteady(series(10, 17, () => 17, (i) => 100 + 20 * i), { sloMs: 500 });
    expect(e.state).not.toBe('steady');
    expect(e.p95SecondHalf! - e.p95FirstHalf!).toBeGreaterThan(60);
    expect(e.p95SlopeMsPerS).toBe(20);
    expect(e.reason).toMatch(/p95 rose/);
    expect(e.decidedBy).toBe('latency-trend');
  });

  it('noisy but steady: served and p95 scatter around a level → steady over a step held to its 16-s cap', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = mulberry32(seed);
      // Each second ±2 completions shift between neighbours; p95 scatters 90–170 ms.
      let carry = 0;
      const s = series(16, 60, () => { const d = Math.round((rand() - 0.5) * 4); const served = 60 + d - carry; carry = d; return served; }, () => 90 + 80 * rand());
      const e = judgeSteady(s, { sloMs: 500 });
      expect(e.state, `seed ${seed}: ${e.reason}`).toBe('steady');
    }
  });

  it('breaks outright on failures, on no response, and on p95 past the SLO at the end', () => {
    expect(judgeSteady(series(10, 20, () => 19, () => 100, () => 1)).state).toBe('broken');
    expect(judgeSteady(series(10, 20, () => 0, () => null, () => 0)).reason).toBe('no successful response');
    expect(judgeSteady(series(10, 20, () => 20, (i) => (i >= 6 ? 900 : 100)), { sloMs: 500 })).toMatchObject({ state: 'broken', decidedBy: 'slo', reason: expect.stringMatching(/past the 500 ms SLO/) });
  });

  it('is unsettled with too few seconds to judge', () => {
    expect(judgeSteady(series(1, 20, () => 20, () => 100)).state).toBe('unsettled');
  });

  it('leaves the fill (first quarter) out of the judgement', () => {
    // The queue fills in the first two seconds, then stays level.
    const s = series(10, 20, (i) => (i < 2 ? 15 : 20), () => 120);
    expect(steadyEvidence(s).judgedFrom).toBe(3);
    expect(judgeSteady(s).state).toBe('steady');
  });
});

describe('judgeSteady on series measured on this machine (2026-11-28, open model, block work)', () => {
  // express-dev: theory 18.2 req/s. [served, failed, p95 ms] per second.
  const express165 = fromRows(16.5, [[16, 0, 101], [16, 0, 262], [17, 0, 116], [16, 0, 71], [16, 0, 104], [17, 0, 213], [16, 0, 149], [16, 0, 214], [17, 0, 163], [18, 0, 128], [15, 0, 131], [14, 0, 336], [18, 0, 304], [18, 0, 150], [15, 0, 105], [18, 0, 168], [16, 0, 159], [16, 0, 105], [17, 0, 150], [13, 0, 414]]);
  const express182 = fromRows(18.2, [[18, 0, 109], [16, 0, 249], [15, 0, 441], [18, 0, 744], [17, 0, 593], [15, 0, 797], [15, 0, 1252], [18, 0, 2023], [19, 0, 2008], [18, 1, 2173]]);
  // worker-pool: theory 72.7 req/s.
  const pool70 = fromRows(70, [[65, 0, 176], [69, 0, 135], [67, 0, 142], [73, 0, 149], [72, 0, 128], [67, 0, 173], [69, 0, 276], [72, 0, 167], [70, 0, 115], [67, 0, 138], [72, 0, 256], [70, 0, 128], [73, 0, 116], [68, 0, 103], [72, 0, 105], [69, 0, 140], [72, 0, 105], [69, 0, 96], [65, 0, 151], [63, 0, 464]]);
  const pool727 = fromRows(72.7, [[63, 0, 155], [75, 0, 282], [66, 0, 262], [69, 0, 623], [73, 0, 572], [71, 0, 609], [71, 0, 755], [69, 0, 702], [68, 0, 797], [70, 0, 868]]);

  it('below capacity is steady over 20 s', () => {
    expect(judgeSteady(express165, { sloMs: 500 }).state).toBe('steady');
    expect(judgeSteady(pool70, { sloMs: 500 }).state).toBe('steady');
  });

  it('at the theoretical capacity is broken within 10 s', () => {
    expect(judgeSteady(express182, { sloMs: 500 }).state).toBe('broken');
    expect(judgeSteady(pool727, { sloMs: 500 }).state).toBe('broken');
    // Even with an SLO loose enough not to decide it, the growth and the trend do.
    expect(judgeSteady(express182, { sloMs: 5000 }).state).not.toBe('steady');
    expect(judgeSteady(pool727, { sloMs: 5000 }).state).not.toBe('steady');
  });
});

describe('judgeSteady at a fast target\'s rates: a stall is noise, an overload is not', () => {
  /** `n` seconds at `rate`, served in full, with `pile` requests left unserved at the end of second `at` (and served the next second, if any). */
  const pileUp = (n: number, rate: number, at: number, pile: number) =>
    series(n, rate, (i) => rate - (i === at ? pile : 0) + (i === at + 1 ? pile : 0), () => 0.3);
  /** `n` seconds offered `rate` to a server that serves `capacity`; the queue sits in the generator (no drops). */
  const over = (n: number, rate: number, capacity: number) => series(n, rate, () => capacity, () => 0.5);

  it('the floor in time: one 20-ms stall\'s arrivals, so a slow target keeps its floor of 3 requests', () => {
    expect(backlogNoise(STEADY_RULE, 0, 21_344)).toBeCloseTo(426.9, 1);
    expect(backlogNoise(STEADY_RULE, 0, 17)).toBe(3);
    expect(backlogNoise(STEADY_RULE, 0, 70)).toBe(3);
    expect(backlogNoise(STEADY_RULE, 100, 70)).toBe(50);
    expect(steadyEvidence(series(16, 17.5, () => 17.5, () => 300)).backlogAllowance).toBe(3);
  });

  it('a steady 21k req/s with a 3-ms pile-up (64 requests) holds, wherever the pile-up falls', () => {
    for (const n of [5, 6, 8, 16]) {
      for (let at = 0; at < n; at++) {
        const e = judgeSteady(pileUp(n, 21_344, at, 64), { sloMs: 500 });
        expect(e.state, `${n} s, pile-up in second ${at}: ${e.reason}`).toBe('steady');
      }
    }
    // Before the floor in time (3 requests or half the level), the pile-up at the end broke a 6-s step.
    const old = { ...STEADY_RULE, stallMs: 0 };
    expect(judgeSteady(pileUp(6, 21_344, 5, 64), { sloMs: 500, rule: old }).state).toBe('broken');
  });

  it('a 14-ms stall (the worst launch lag measured) in the last second of a short step still holds', () => {
    expect(judgeSteady(pileUp(5, 21_344, 4, Math.round(0.014 * 21_344)), { sloMs: 500 }).state).toBe('steady');
    expect(judgeSteady(pileUp(6, 50_000, 5, 700), { sloMs: 500 }).state).toBe('steady');
    // A pile-up of 28 ms is past it, and the reason names the floor that applied.
    expect(judgeSteady(pileUp(6, 21_344, 5, 600), { sloMs: 500 })).toMatchObject({ state: 'unsettled', reason: expect.stringMatching(/noise allows 426.9, one 20-ms stall's arrivals\)$/) });
  });

  it('2–5 % above capacity at 50k req/s is never steady, and broken at 3 % in a 5-s check and at 2 % by the 16-s cap', () => {
    // (2 % over an 8-s step is unsettled: the growing queue's own level widens the allowance; a
    // step near the lowest broken rate is held to its cap, where it breaks.)
    for (const share of [0.02, 0.03, 0.05]) {
      const capacity = 50_000 / (1 + share);
      for (const n of [5, 8, 16]) {
        const e = judgeSteady(over(n, 50_000, capacity), { sloMs: 500 });
        expect(e.state, `${share * 100}% over, ${n} s: ${e.reason}`).not.toBe('steady');
        if (n >= 16 || share >= 0.03) expect(e.state, `${share * 100}% over, ${n} s`).toBe('broken');
        expect(e.decidedBy).toBe('backlog');
      }
    }
  });

  it('an overload the in-flight cap turns into drops breaks on failures (2 % of 50k req/s dropped)', () => {
    const s = series(8, 50_000, () => 49_000, () => 0.5, () => 1000);
    expect(judgeSteady(s, { sloMs: 500 })).toMatchObject({ state: 'broken', decidedBy: 'failures' });
  });
});

describe('judgeSteady on a fast target measured on this machine (2026-11-29, fastify-hello, open model)', () => {
  // 22,400 req/s held 12 s through the knee's holdRate: [served, dropped, p95 ms] per second. The
  // first second is the driver's cold start (4,672 arrivals dropped, 2,041 at the in-flight cap,
  // 2,631 late), then nothing is dropped and served keeps pace.
  const fastify22400 = fromRows(22_400, [[17725, 4672, 139.52], [22401, 0, 5.69], [22400, 0, 1.84], [22399, 0, 0.71], [22400, 0, 0.51], [22399, 0, 1.78], [22402, 0, 10.34], [22375, 0, 5.39], [22406, 0, 1.81], [22418, 0, 0.87], [22400, 0, 1.16], [22401, 0, 0.35]]);

  it('a cold start\'s drops in the unjudged first second do not break a rate that is steady after it', () => {
    for (const n of [5, 8, 12]) {
      const e = judgeSteady(fastify22400.slice(0, n), { sloMs: 500 });
      expect(e.failShare).toBe(0);
      expect(e.state, `${n} s: ${e.reason}`).toBe('steady');
    }
    // The same drops inside the judged window are 1.7 % of an 8-s step's judged arrivals: broken.
    const late = [...fastify22400.slice(1, 4), fastify22400[0]!, ...fastify22400.slice(4, 8)];
    expect(judgeSteady(late, { sloMs: 500 })).toMatchObject({ state: 'broken', decidedBy: 'failures' });
  });
});

describe('steadyEvidence', () => {
  it('writes no -0 (JSON would read it back as 0)', () => {
    const e = steadyEvidence(series(8, 10, () => 10, (i) => 100 - 0.001 * i));
    expect(Object.is(e.p95SlopeMsPerS, -0)).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });
});
