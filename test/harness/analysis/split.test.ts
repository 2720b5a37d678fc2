import { describe, expect, it } from 'vitest';
import { arrivalSchedule, usersAt } from '../../../harness/analysis/schedule.ts';
import { closedShare, everyNth, globalUser, inFlightShare, openShare, usersOfShare } from '../../../harness/analysis/split.ts';
import type { ClosedProfile, OpenProfile } from '../../../profiles/lib/define.ts';

const closed = (stages: ClosedProfile['stages']): ClosedProfile => ({
  name: 'p', description: '', model: 'closed', wait: { kind: 'constant', seconds: 0.1 }, stages, duration: 30, warmupSeconds: 0,
  timeoutMs: 1000, connection: 'keep-alive', tasks: [{ name: 'root', method: 'GET', path: '/', weight: 1 }],
} as unknown as ClosedProfile);

describe('split: closed model (users shared out)', () => {
  it('gives every user of a stage to exactly one generator, and the users of each are 0 … U−1 together', () => {
    for (const n of [1, 2, 3, 5]) {
      for (const users of [0, 1, 2, 7, 10, 50]) {
        const owned = Array.from({ length: n }, (_, k) => Array.from({ length: usersOfShare(users, k, n) }, (_, local) => globalUser(local, k, n))).flat();
        expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: users }, (_, i) => i));
      }
    }
  });

  it('keeps each generator at its share of a step load once every ramp is done, and ramps no later than the whole', () => {
    const p = closed([{ at: 0, users: 9, spawnRate: 3 }, { at: 10, users: 20, spawnRate: 100 }, { at: 20, users: 4, spawnRate: 2 }]);
    for (const n of [2, 3]) {
      const shares = Array.from({ length: n }, (_, k) => closedShare(p, k, n));
      for (const t of [3, 5, 9.5, 11, 19, 28, 29.9]) {
        expect(shares.reduce((sum, s) => sum + usersAt(s.stages, t), 0)).toBe(usersAt(p.stages, t));
      }
      // Mid-ramp the total may trail by up to n − 1 users, never more.
      for (let t = 0; t < 30; t += 0.25) {
        const total = shares.reduce((sum, s) => sum + usersAt(s.stages, t), 0);
        expect(Math.abs(total - usersAt(p.stages, t))).toBeLessThanOrEqual(n - 1);
      }
    }
  });
});

describe('split: open model (arrivals shared out)', () => {
  it('hands each arrival of the schedule to exactly one generator: the union is the schedule', () => {
    const stages: OpenProfile['stages'] = [{ at: 0, rate: 50 }, { at: 3, from: 50, rate: 400 }, { at: 7, rate: 10 }];
    const all = [...arrivalSchedule(stages, 10)];
    expect(all.length).toBeGreaterThan(1000);
    for (const n of [1, 2, 3, 4]) {
      const parts = Array.from({ length: n }, (_, k) => [...everyNth(arrivalSchedule(stages, 10), k, n)]);
      expect(parts.flat().sort((a, b) => a - b)).toEqual(all);
      // Each share is nearly even, and each is itself in time order.
      for (const part of parts) {
        expect(Math.abs(part.length - all.length / n)).toBeLessThanOrEqual(1);
        expect(part).toEqual([...part].sort((a, b) => a - b));
      }
    }
  });

  it('shares the in-flight cap so that the shares add up to it', () => {
    for (const cap of [2, 3, 10, 256, 257]) {
      for (const n of [2, 3, 4]) {
        const shares = Array.from({ length: n }, (_, k) => inFlightShare(cap, k, n));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(cap);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }
    }
    expect(openShare({ maxInFlight: 5 } as OpenProfile, 0, 2).maxInFlight).toBe(3);
    expect(openShare({ maxInFlight: 5 } as OpenProfile, 1, 2).maxInFlight).toBe(2);
  });
});
