import { describe, expect, it } from 'vitest';
import { ArrivalQueue, MAX_DUE_PER_TURN } from '../../../harness/drive/arrivals.ts';
import { meanScheduledRate } from '../../../harness/drive/open.ts';
import { medianInFlight } from '../../../harness/analysis/in-flight.ts';
import { MAX_RATE, openProfileSchema, type RateStage } from '../../../profiles/lib/define.ts';
import { arrivalSchedule, expectedArrivals } from '../../../harness/analysis/schedule.ts';
import { verdict } from '../../../harness/analysis/verdict.ts';

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e6) / 1e6);
const constant10: RateStage[] = [{ at: 0, rate: 10 }];
const queue = (stages: RateStage[], duration: number) => new ArrivalQueue(arrivalSchedule(stages, duration));
/** One wake-up with `free` in-flight slots, as arrays: what it launched and what it dropped. */
function due(q: ArrivalQueue, now: number, free: number): { launch: number[]; dropped: number[] } {
  const out = { launch: [] as number[], dropped: [] as number[] };
  let left = free;
  q.take(now, () => left > 0, (at) => { out.launch.push(at); left--; }, (at) => out.dropped.push(at));
  return out;
}

describe('ArrivalQueue: what one wake-up launches and drops', () => {
  it('launches every arrival due by now, and none later', () => {
    const q = queue(constant10, 2);
    expect(q.next).toBeCloseTo(0.05, 9);
    expect(due(q, 0.04, 100)).toEqual({ launch: [], dropped: [] });
    const first = due(q, 0.5, 100);
    expect(round(first.launch)).toEqual([0.05, 0.15, 0.25, 0.35, 0.45]);
    expect(first.dropped).toEqual([]);
    expect(q.next).toBeCloseTo(0.55, 9);
  });

  it('drops the arrivals beyond the free in-flight slots, keeping their intended times', () => {
    const q = queue(constant10, 2);
    due(q, 0.5, 100);
    const r = due(q, 1, 2);
    expect(round(r.launch)).toEqual([0.55, 0.65]);
    expect(round(r.dropped)).toEqual([0.75, 0.85, 0.95]);
    expect(round(due(q, 1.2, 0).dropped)).toEqual([1.05, 1.15]);
  });

  it('takes a bounded batch per wake-up, so a huge backlog costs bounded memory and time per turn', () => {
    const q = queue([{ at: 0, rate: MAX_RATE }], 3600);
    const first = due(q, 3600, 10);
    expect(first.launch).toHaveLength(10);
    expect(first.dropped).toHaveLength(MAX_DUE_PER_TURN - 10);
    expect(q.next).toBeCloseTo((MAX_DUE_PER_TURN + 0.5) / MAX_RATE, 9);
  });

  it('refuses a schedule that could never end (infinite rate) instead of spinning', () => {
    expect(() => arrivalSchedule([{ at: 0, rate: Infinity }], 5).next()).toThrow(/finite rates/);
    expect(() => arrivalSchedule([{ at: 0, rate: 5 }], Infinity).next()).toThrow(/finite rates/);
  });

  it('launches a late wake-up’s whole backlog in one burst: lateness alone drops nothing', () => {
    const q = queue(constant10, 2);
    const r = due(q, 1.5, Infinity);
    expect(r.launch).toHaveLength(15);
    expect(r.dropped).toEqual([]);
  });

  it('is spent after the last arrival', () => {
    const q = queue(constant10, 1);
    expect(due(q, 5, Infinity).launch).toHaveLength(10);
    expect(q.next).toBeNull();
    expect(due(q, 6, Infinity)).toEqual({ launch: [], dropped: [] });
  });

  it('follows a ramp second by second when woken every 10 ms (10 → 30 req/s over 2 s)', () => {
    const ramp: RateStage[] = [{ at: 0, rate: 10 }, { at: 2, from: 10, rate: 30 }];
    const q = queue(ramp, 4);
    const perSecond = [0, 0, 0, 0];
    for (let tick = 1; tick <= 400; tick++) {
      for (const t of due(q, tick / 100, Infinity).launch) perSecond[Math.floor(t)]!++;
    }
    // ∫rate over each second: 10, 10, then 10→20 (15) and 20→30 (25).
    expect(perSecond).toEqual([10, 10, 15, 25]);
    expect(perSecond.reduce((a, b) => a + b)).toBe(expectedArrivals(ramp, 4, 0, 4));
    expect(q.next).toBeNull();
  });

  it('with 3 free slots per wake-up, launches 3 of every 5 due and drops the rest', () => {
    const q = queue([{ at: 0, rate: 50 }], 2);
    let launched = 0;
    let dropped = 0;
    for (let tick = 1; tick <= 20; tick++) {
      const r = due(q, tick / 10, 3);
      launched += r.launch.length;
      dropped += r.dropped.length;
    }
    expect(launched).toBe(60);
    expect(dropped).toBe(40);
  });
});

describe('an open ramp stage offers its mean rate, not the rate it ends at', () => {
  const profile = openProfileSchema.parse({
    name: 'ramp', model: 'open', duration: 55,
    stages: [{ at: 0, rate: 10 }, { at: 15, from: 10, rate: 45 }, { at: 35, rate: 45 }],
  });

  it('averages the schedule over a span', () => {
    expect(meanScheduledRate(profile, 0, 15)).toBe(10);
    expect(meanScheduledRate(profile, 15, 35)).toBe(27.5);
    expect(meanScheduledRate(profile, 15, 16)).toBe(10.9);
    expect(meanScheduledRate(profile, 54, 60)).toBe(45);
  });

  it('lets a server that kept pace with the ramp hold', () => {
    const stage = (index: number, users: number, offered: number, rps: number) =>
      ({ index, users, offered, rps, requests: rps * 20, p95: 120, mean: 60, errorPct: 0 });
    const v = verdict([stage(0, 10, 10, 10), stage(1, 45, 27.5, 27.4), stage(2, 45, 45, 45)], { unit: 'req/s' });
    expect(v.status).toBe('held');
  });
});

describe('ArrivalQueue.take: the driver\'s allocation-free path', () => {
  it('asks for room before each launch, so slots filled by this batch count', () => {
    const q = queue(constant10, 2);
    let free = 2;
    const launched: number[] = [];
    const dropped: number[] = [];
    const taken = q.take(0.5, () => free > 0, (at) => { launched.push(at); free--; }, (at) => dropped.push(at));
    expect(taken).toBe(5);
    expect(round(launched)).toEqual([0.05, 0.15]);
    expect(round(dropped)).toEqual([0.25, 0.35, 0.45]);
    expect(q.next).toBeCloseTo(0.55, 9);
  });

  it('takes the schedule in order, at most `limit` a call', () => {
    const schedule = arrivalSchedule([{ at: 0, rate: MAX_RATE }], 10);
    const expected = Array.from({ length: MAX_DUE_PER_TURN + 1 }, () => schedule.next().value as number);
    const b = queue([{ at: 0, rate: MAX_RATE }], 10);
    const launched: number[] = [];
    const dropped: number[] = [];
    expect(b.take(1, () => launched.length < 7, (at) => launched.push(at), (at) => dropped.push(at))).toBe(MAX_DUE_PER_TURN);
    expect(launched).toEqual(expected.slice(0, 7));
    expect(dropped).toEqual(expected.slice(7, MAX_DUE_PER_TURN));
    expect(b.next).toBe(expected[MAX_DUE_PER_TURN]);
  });
});

describe('medianInFlight: the level a drive spent half its time at or below', () => {
  it('reads the time per level, not the mean a pile-up pulls up', () => {
    // 0.6 s at 2 in flight, 0.3 s at 3, 0.1 s at the cap of 100 (a stall): mean 14.1, median 2.
    const levels = new Array<number>(101).fill(0);
    levels[2] = 0.6;
    levels[3] = 0.3;
    levels[100] = 0.1;
    expect(medianInFlight(levels)).toBe(2);
    levels[2] = 0.3;
    expect(medianInFlight(levels)).toBe(3);
    expect(medianInFlight([])).toBe(0);
  });
});

describe('ArrivalQueue.take: an arrival that finds every slot busy waits for one, first come first sent', () => {
  /** One look with `free` slots, dropping only arrivals due before `dropBefore`. */
  function look(q: ArrivalQueue, now: number, free: number, dropBefore: number) {
    const out = { launch: [] as number[], dropped: [] as number[], taken: 0 };
    let left = free;
    out.taken = q.take(now, () => left > 0, (at) => { out.launch.push(at); left--; }, (at) => out.dropped.push(at), dropBefore);
    return { launch: round(out.launch), dropped: round(out.dropped), taken: out.taken };
  }

  it('never drops when told so (an answer\'s callback): what finds no room stays due, in order', () => {
    const q = queue(constant10, 2);
    expect(look(q, 0.5, 2, -Infinity)).toEqual({ launch: [0.05, 0.15], dropped: [], taken: 2 });
    expect(q.dueBy(0.5)).toBe(true);
    expect(q.next).toBeCloseTo(0.25, 9);
    // The next answer frees one slot: the oldest waiting arrival goes first.
    expect(look(q, 0.52, 1, -Infinity)).toEqual({ launch: [0.25], dropped: [], taken: 1 });
    expect(look(q, 0.53, 0, -Infinity)).toEqual({ launch: [], dropped: [], taken: 0 });
    expect(q.next).toBeCloseTo(0.35, 9);
  });

  it('drops only the waiting arrivals older than the bound, and keeps the younger ones waiting', () => {
    const q = queue(constant10, 2);
    // At 0.5 s with no room, a 0.2-s bound: 0.05, 0.15 and 0.25 waited longer; 0.35 and 0.45 wait on.
    expect(look(q, 0.5, 0, 0.3)).toEqual({ launch: [], dropped: [0.05, 0.15, 0.25], taken: 3 });
    expect(q.next).toBeCloseTo(0.35, 9);
    expect(q.dueBy(0.5)).toBe(true);
    // A slot frees: the oldest waiting one is sent; the one behind it still waits.
    expect(look(q, 0.51, 1, 0.31)).toEqual({ launch: [0.35], dropped: [], taken: 1 });
    expect(q.next).toBeCloseTo(0.45, 9);
  });

  it('launches before it drops: a waiting arrival past the bound is still sent if a slot is free', () => {
    const q = queue(constant10, 2);
    expect(look(q, 0.5, 1, 0.3)).toEqual({ launch: [0.05], dropped: [0.15, 0.25], taken: 3 });
  });

  it('with the bound at `now` (the default), drops every due arrival that finds no room, as before', () => {
    const a = queue(constant10, 2);
    const b = queue(constant10, 2);
    expect(look(a, 1, 2, 1)).toEqual(look(b, 1, 2, Infinity));
    expect(a.next).toBe(b.next);
    expect(a.dueBy(1)).toBe(false);
  });

  it('under a sustained overload (3 slots free per 0.1 s, 5 arrivals due), the backlog is bounded by the wait bound, not by memory', () => {
    const q = queue([{ at: 0, rate: 50 }], 20);
    let launched = 0;
    let dropped = 0;
    let maxWait = 0;
    for (let tick = 1; tick <= 200; tick++) {
      const now = tick / 10;
      const r = look(q, now, 3, now - 0.5);
      launched += r.launch.length;
      dropped += r.dropped.length;
      for (const at of r.launch) maxWait = Math.max(maxWait, now - at);
      // Whatever is still due has waited at most the bound.
      if (q.dueBy(now)) expect(now - q.next!).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    expect(launched).toBe(600);
    // Nothing is lost: what still waits at the end is there to take.
    expect(launched + dropped + look(q, 20, Infinity, -Infinity).taken).toBe(1000);
    // A launch comes before a drop, so a wait lasts at most the bound plus the time between two looks.
    expect(maxWait).toBeLessThanOrEqual(0.6 + 1e-9);
    expect(maxWait).toBeGreaterThan(0.4);
  });
});
