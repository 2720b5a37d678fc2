import type { ClosedProfile, OpenProfile } from '../../profiles/lib/define.ts';

/**
 * `--generators N`: how one profile's load is shared by N generator threads, so that together
 * they send exactly what one generator would. Pure, unit-tested against literal numbers.
 */

/** Closed model: the users of a stage of `users` that generator `k` of `n` runs (global users k, k+n, k+2n, …). */
export function usersOfShare(users: number, k: number, n: number): number {
  return users > k ? Math.ceil((users - k) / n) : 0;
}

/** Closed model: generator `k`'s local user `local` is the run's user `local·n + k` (per-user fairness stays global). */
export const globalUser = (local: number, k: number, n: number): number => local * n + k;

/**
 * Closed model: generator `k`'s profile. Users are started in order and the last started stop
 * first, so "my first ⌈(U−k)/n⌉ users" keeps the union at exactly users 0 … U−1 at every count U.
 * Each share ramps at the rate that makes its ramp last as long as the whole one (it reaches its
 * count when the run does); during a ramp the total may trail the profile by up to n−1 users.
 */
export function closedShare(profile: ClosedProfile, k: number, n: number): ClosedProfile {
  let before = 0, beforeShare = 0;
  const stages = profile.stages.map((s) => {
    const users = usersOfShare(s.users, k, n);
    const moved = Math.abs(s.users - before), movedShare = Math.abs(users - beforeShare);
    const spawnRate = moved > 0 && movedShare > 0 ? (s.spawnRate * movedShare) / moved : s.spawnRate / n;
    before = s.users;
    beforeShare = users;
    return { ...s, users, spawnRate };
  });
  return { ...profile, stages };
}

/** Open model: generator `k` of `n` takes arrivals k, k+n, k+2n, … of the schedule; the union is the schedule. */
export function* everyNth<T>(schedule: Iterable<T>, k: number, n: number): Generator<T> {
  let i = 0;
  for (const x of schedule) {
    if (i % n === k) yield x;
    i++;
  }
}

/** Open model: generator `k`'s share of the in-flight cap (the shares add up to `cap`); 0 when cap < n. */
export const inFlightShare = (cap: number, k: number, n: number): number => Math.floor(cap / n) + (k < cap % n ? 1 : 0);

/** Open model: generator `k`'s profile (its in-flight cap); its arrivals are `everyNth` of the schedule. */
export function openShare(profile: OpenProfile, k: number, n: number): OpenProfile {
  return { ...profile, maxInFlight: inFlightShare(profile.maxInFlight, k, n) };
}

/** Seeds the generators' random sequences apart, generator 0 keeping the run's own. */
export const shareSeed = (seed: number, k: number): number => (seed + k * 100_003) >>> 0;
