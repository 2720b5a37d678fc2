import { describe, expect, it } from 'vitest';
import { between, closedProfileSchema, constant, type ClosedProfile, constantPacing, openProfileSchema, step, type RateStage, type UserStage } from '../../../profiles/lib/define.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';
import launchProfile from '../../../profiles/launch.ts';
import {
  arrivalSchedule, expectedArrivals, meanWaitSeconds, pickTask, profileTotals, rateAt,
  nextUserChange, stageIndexAt, stageWindows, usersAt, waitSeconds,
} from '../../../harness/analysis/schedule.ts';

// The shipped launch profile itself, not a copy: if it changes, these expectations must be revisited.
const launch: ClosedProfile = closedProfileSchema.parse({ ...launchProfile });
const launchStages: UserStage[] = launch.stages;

const at = (stages: UserStage[], times: number[]) => times.map((t) => usersAt(stages, t));

describe('usersAt', () => {
  it('follows the launch profile: ramps at 5 users/s, holds, ramps down', () => {
    expect(at(launchStages, [0, 0.5, 1, 10, 20, 21, 22, 40, 44, 45, 70, 72, 74, 89]))
      .toEqual([0, 2, 5, 5, 5, 10, 15, 15, 35, 40, 40, 30, 20, 20]);
  });

  it('counts whole users spawned so far', () => {
    expect(at(launchStages, [0.1, 0.2, 0.39, 0.4, 0.6])).toEqual([0, 1, 1, 2, 3]);
  });

  it('steps 10 users every 30 s', () => {
    const stages = step({ users: 10, everySeconds: 30, steps: 3 });
    expect(stages).toEqual([
      { at: 0, users: 10, spawnRate: 10 },
      { at: 30, users: 20, spawnRate: 10 },
      { at: 60, users: 30, spawnRate: 10 },
    ]);
    expect(at(stages, [0, 0.5, 1, 29.9, 30, 30.5, 31, 60.5, 61, 89])).toEqual([0, 5, 10, 10, 10, 15, 20, 25, 30, 30]);
  });

  it('ramps down at the spawn rate, stopping whole users', () => {
    const stages: UserStage[] = [{ at: 0, users: 10, spawnRate: 10 }, { at: 5, users: 0, spawnRate: 2 }];
    expect(at(stages, [5, 5.4, 5.5, 6, 9.9, 10, 20])).toEqual([10, 10, 9, 8, 1, 0, 0]);
  });

  it('hands a stage cut short to the next from the count it reached', () => {
    const down: UserStage[] = [{ at: 0, users: 10, spawnRate: 1 }, { at: 4, users: 2, spawnRate: 1 }];
    expect(at(down, [3.5, 4, 4.5, 5, 6, 9])).toEqual([3, 4, 4, 3, 2, 2]);
    const up: UserStage[] = [{ at: 0, users: 100, spawnRate: 2 }, { at: 3, users: 10, spawnRate: 2 }];
    expect(at(up, [3, 4, 5, 8])).toEqual([6, 8, 10, 10]);
  });
});

describe('nextUserChange', () => {
  it('is the moment the next user of a ramp is due, so a fast ramp starts within a millisecond', () => {
    const fast: UserStage[] = [{ at: 0, users: 2, spawnRate: 2000 }];
    expect(nextUserChange(fast, 0)).toBeCloseTo(0.0005, 9);
    expect(nextUserChange(fast, 0.0005)).toBeCloseTo(0.001, 9);
    expect(nextUserChange(fast, 0.001)).toBeNull();
  });

  it('agrees with usersAt: the count is the same until the change and different at it', () => {
    const stages: UserStage[] = [{ at: 1, users: 5, spawnRate: 3 }, { at: 2.5, users: 1, spawnRate: 4 }, { at: 4, users: 6, spawnRate: 2 }];
    let t = 0;
    const seen: number[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const next = nextUserChange(stages, t);
      if (next === null) break;
      expect(next).toBeGreaterThan(t);
      // Unchanged just before the change (a stage's start itself may change nothing yet).
      expect(usersAt(stages, next - 1e-6)).toBe(usersAt(stages, t));
      seen.push(usersAt(stages, next));
      t = next;
    }
    expect(nextUserChange(stages, t)).toBeNull();
    expect(usersAt(stages, t)).toBe(6);
    // Every whole user of the ramps is visited one at a time: up to 4, down to 1, up to 6.
    expect(seen.filter((n, i) => n !== (i ? seen[i - 1] : 0))).toEqual([1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 5, 6]);
  });

  it('is null for a schedule with nothing left to change', () => {
    expect(nextUserChange([], 0)).toBeNull();
    expect(nextUserChange([{ at: 0, users: 3, spawnRate: 1 }], 10)).toBeNull();
  });
});

describe('stageIndexAt', () => {
  it('is the last stage started at or before t', () => {
    expect([0, 19.99, 20, 45, 70, 89].map((t) => stageIndexAt(launchStages, t))).toEqual([0, 0, 1, 2, 3, 3]);
  });
});

describe('stageWindows', () => {
  it('starts each launch stage steady part at the first whole second after its ramp', () => {
    expect(stageWindows(launch)).toEqual([
      { index: 0, at: 0, end: 20, steadyFrom: 1, users: 5 },
      { index: 1, at: 20, end: 40, steadyFrom: 22, users: 15 },
      { index: 2, at: 40, end: 70, steadyFrom: 45, users: 40 },
      { index: 3, at: 70, end: 90, steadyFrom: 74, users: 20 },
    ]);
  });

  it('rounds a ramp ending mid-second up to the next second', () => {
    const p = closedProfileSchema.parse({ name: 'p', stages: [{ at: 0, users: 10, spawnRate: 3 }], duration: 10 });
    expect(stageWindows(p)[0]?.steadyFrom).toBe(4);
  });

  it('measures a stage whose target is never reached as a whole', () => {
    const p = closedProfileSchema.parse({
      name: 'cut',
      stages: [{ at: 0, users: 100, spawnRate: 2 }, { at: 3, users: 10, spawnRate: 2 }, { at: 5, users: 20, spawnRate: 5 }],
      duration: 10,
    });
    expect(stageWindows(p)).toEqual([
      { index: 0, at: 0, end: 3, steadyFrom: 0, users: 100 },
      // 6 users at 3 s, 10 reached at 5 s = the stage's end: no steady second, so all of it.
      { index: 1, at: 3, end: 5, steadyFrom: 3, users: 10 },
      { index: 2, at: 5, end: 10, steadyFrom: 7, users: 20 },
    ]);
  });

  it('measures open-model stages from their start, ramps included', () => {
    const p = openProfileSchema.parse({
      name: 'open', model: 'open', duration: 30,
      stages: [{ at: 0, rate: 10 }, { at: 10, from: 10, rate: 50 }, { at: 20, rate: 50 }],
    });
    expect(stageWindows(p)).toEqual([
      { index: 0, at: 0, end: 10, steadyFrom: 0, users: 10 },
      { index: 1, at: 10, end: 20, steadyFrom: 10, users: 50 },
      { index: 2, at: 20, end: 30, steadyFrom: 20, users: 50 },
    ]);
  });
});

describe('rateAt and expectedArrivals', () => {
  const stages: RateStage[] = [{ at: 0, rate: 10 }, { at: 10, from: 10, rate: 50 }, { at: 20, rate: 50 }];

  it('interpolates a ramp stage linearly and is 0 outside the run', () => {
    expect([0, 5, 10, 15, 19.5, 20, 29.9, 30, -1].map((t) => rateAt(stages, 30, t))).toEqual([10, 10, 10, 30, 48, 50, 50, 0, 0]);
  });

  it('integrates the rate', () => {
    expect(expectedArrivals(stages, 30, 0, 30)).toBe(900);
    expect(expectedArrivals(stages, 30, 10, 15)).toBe(100);
    expect(expectedArrivals(stages, 30, 25, 100)).toBe(250);
  });
});

describe('arrivalSchedule', () => {
  const all = (stages: RateStage[], duration: number) => [...arrivalSchedule(stages, duration)];
  const increasing = (ts: number[]) => ts.every((t, i) => i === 0 || t > ts[i - 1]!);

  it('spaces a constant 10 req/s evenly at 0.1 s, mid-interval', () => {
    const ts = all([{ at: 0, rate: 10 }], 3);
    expect(ts).toHaveLength(30);
    ts.forEach((t, i) => expect(t).toBeCloseTo(0.05 + 0.1 * i, 12));
  });

  it('sends ∫rate arrivals on a 0 → 100 ramp, denser as the rate rises', () => {
    const ts = all([{ at: 0, from: 0, rate: 100 }], 10);
    expect(Math.abs(ts.length - 500)).toBeLessThanOrEqual(1);
    expect(increasing(ts)).toBe(true);
    expect(ts[0]).toBeCloseTo(Math.sqrt(0.1), 12);
    expect(ts.filter((t) => t < 5)).toHaveLength(125);
    const gap = (i: number) => ts[i + 1]! - ts[i]!;
    expect(gap(0)).toBeGreaterThan(gap(100));
    expect(gap(100)).toBeGreaterThan(gap(ts.length - 2));
    expect(ts.every((t) => t >= 0 && t < 10)).toBe(true);
  });

  it('sends nothing in a rate-0 stage', () => {
    expect(all([{ at: 0, rate: 0 }], 5)).toEqual([]);
    const ts = all([{ at: 0, rate: 0 }, { at: 2, rate: 10 }], 3);
    expect(ts).toHaveLength(10);
    expect(ts[0]).toBeCloseTo(2.05, 12);
  });

  it('matches ∫rate within 1 in every stage, ramps down included', () => {
    const stages: RateStage[] = [
      { at: 0, from: 0, rate: 37 }, { at: 7, rate: 13 }, { at: 11, from: 90, rate: 0 }, { at: 16.5, rate: 0 }, { at: 20, from: 3, rate: 4 },
    ];
    const ts = all(stages, 25);
    expect(increasing(ts)).toBe(true);
    const bounds = [0, 7, 11, 16.5, 20, 25];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [a, b] = [bounds[i]!, bounds[i + 1]!];
      const sent = ts.filter((t) => t >= a && t < b).length;
      expect(Math.abs(sent - expectedArrivals(stages, 25, a, b))).toBeLessThan(1);
    }
  });

  it('stays exact on a gentle ramp at a high rate', () => {
    let n = 0;
    let last = -1;
    let ordered = true;
    for (const t of arrivalSchedule([{ at: 0, from: 50_000, rate: 50_001 }], 10)) {
      ordered &&= t > last;
      last = t;
      n++;
    }
    expect(ordered).toBe(true);
    expect(Math.abs(n - 500_005)).toBeLessThanOrEqual(1);
    expect(last).toBeLessThan(10);
  });
});

describe('waitSeconds and meanWaitSeconds', () => {
  it('draws between min and max with the injected rand', () => {
    expect(waitSeconds(between(0.5, 1), () => 0, 0)).toBe(0.5);
    expect(waitSeconds(between(0.5, 1), () => 0.5, 0)).toBe(0.75);
    expect(waitSeconds(constant(2), () => 0.9, 0.3)).toBe(2);
  });

  it('paces a loop to its period, never negative', () => {
    expect(waitSeconds(constantPacing(1), () => 0, 0.25)).toBe(0.75);
    expect(waitSeconds(constantPacing(1), () => 0, 1.5)).toBe(0);
  });

  it('averages each kind', () => {
    expect(meanWaitSeconds(between(0.5, 1))).toBe(0.75);
    expect(meanWaitSeconds(constant(2))).toBe(2);
    expect(meanWaitSeconds(constantPacing(1))).toBe(1);
    expect(meanWaitSeconds(constantPacing(1), 0.25)).toBe(0.75);
  });
});

describe('pickTask', () => {
  const tasks = [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }];

  it('splits the unit interval by weight', () => {
    expect([0, 0.24, 0.26, 0.999999].map((r) => pickTask(tasks, () => r).name)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('follows the weights over a seeded sequence', () => {
    const rand = mulberry32(42);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (pickTask(tasks, rand).name === 'a') a++;
    expect(a / 10_000).toBeGreaterThan(0.23);
    expect(a / 10_000).toBeLessThan(0.27);
  });

  it('refuses an empty task list', () => {
    expect(() => pickTask([], () => 0)).toThrow(/positive total weight/);
  });
});

describe('profileTotals', () => {
  it('estimates the closed-model peak load from wait and service time', () => {
    const totals = profileTotals(launch, 0.055);
    expect(totals).toMatchObject({ unit: 'users', peak: 40 });
    expect(totals.peakRps).toBeCloseTo(40 / 0.805, 9);
  });

  it('takes the open-model peak rate, ramp starts included', () => {
    const p = openProfileSchema.parse({ name: 'o', model: 'open', duration: 10, stages: [{ at: 0, from: 80, rate: 20 }] });
    expect(profileTotals(p)).toEqual({ unit: 'req/s', peak: 80, peakRps: 80 });
  });
});
