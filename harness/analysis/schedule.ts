import type { Profile, RateStage, UserStage, WaitTime } from '../../profiles/lib/define.ts';
import { LabError } from '../errors.ts';

/**
 * Slack for float products like 0.6 × 5 = 2.9999999999999996: a tick that lands exactly on
 * a spawn moment (or a ramp that ends on a whole second) must count as having reached it.
 */
const EPS = 1e-9;

/** One stage as the recorder and reports see it: seconds since the profile started. */
export interface StageWindow {
  index: number;
  at: number;
  /** Next stage's `at`, or the profile's duration. */
  end: number;
  /** Stats cover [steadyFrom, end): the part of the stage after its ramp. */
  steadyFrom: number;
  /** Closed: target users. Open: target arrival rate (req/s) at the stage's end. */
  users: number;
}

/** Index of the stage active at `t`; before the first stage counts as the first. */
export function stageIndexAt(stages: readonly { at: number }[], t: number): number {
  let i = 0;
  while (i + 1 < stages.length && stages[i + 1]!.at <= t) i++;
  return i;
}

// Users change one at a time, so a ramp counts only the users spawned (or stopped) so far.
function rampTo(from: number, stage: UserStage, elapsed: number): number {
  const moved = Math.floor(Math.max(0, elapsed) * stage.spawnRate + EPS);
  return from < stage.users ? Math.min(stage.users, from + moved) : Math.max(stage.users, from - moved);
}

/** Closed model: virtual users that should be running at `t` (whole users, O(stages)). */
export function usersAt(stages: readonly UserStage[], t: number): number {
  let count = 0;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    if (t < stage.at) break;
    const next = stages[i + 1];
    // A stage cut short hands the next one whatever count it had reached.
    count = rampTo(count, stage, (next && next.at <= t ? next.at : t) - stage.at);
  }
  return count;
}

/**
 * The first moment after `t` at which `usersAt` may change (a ramp's next user, the next
 * stage), or null once it never changes again. The closed driver sleeps until then, at most
 * its control tick, so a ramp's users start on time rather than on the next tick.
 */
export function nextUserChange(stages: readonly UserStage[], t: number): number | null {
  let count = 0;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i]!;
    if (t < stage.at) return stage.at;
    const next = stages[i + 1];
    if (next && next.at <= t) {
      count = rampTo(count, stage, next.at - stage.at);
      continue;
    }
    const moved = Math.floor((t - stage.at) * stage.spawnRate + EPS);
    const ramping = Math.abs(stage.users - count) > moved;
    const change = Math.min(ramping ? stage.at + (moved + 1) / stage.spawnRate : Infinity, next ? next.at : Infinity);
    return change === Infinity ? null : change;
  }
  return null;
}

interface Segment { at: number; end: number; from: number; to: number }

function segment(stages: readonly RateStage[], duration: number, i: number): Segment {
  const s = stages[i]!;
  const end = Math.min(stages[i + 1]?.at ?? duration, duration);
  return { at: s.at, end, from: s.from ?? s.rate, to: s.rate };
}

const lerp = (g: Segment, t: number) => (g.end > g.at ? g.from + ((g.to - g.from) * (t - g.at)) / (g.end - g.at) : g.from);

/** Open model: scheduled arrival rate (req/s) at `t`; 0 outside the run. */
export function rateAt(stages: readonly RateStage[], duration: number, t: number): number {
  if (stages.length === 0 || t < stages[0]!.at || t >= duration) return 0;
  return lerp(segment(stages, duration, stageIndexAt(stages, t)), t);
}

/** ∫rate over [t0, t1): the arrivals an open-model run should send in that span. */
export function expectedArrivals(stages: readonly RateStage[], duration: number, t0: number, t1: number): number {
  let n = 0;
  for (let i = 0; i < stages.length; i++) {
    const g = segment(stages, duration, i);
    const a = Math.max(g.at, t0);
    const b = Math.min(g.end, t1);
    if (b > a) n += ((lerp(g, a) + lerp(g, b)) / 2) * (b - a);
  }
  return n;
}

/**
 * Time τ into a segment at which ∫₀^τ (r0 + slope·s) ds = m, i.e. slope/2·τ² + r0·τ − m = 0.
 * Written as 2m / (r0 + √(r0² + 2·slope·m)) so a gentle slope on a high rate does not
 * lose digits to cancellation, and r0 = 0 needs no special case.
 */
function timeToCount(r0: number, slope: number, m: number): number {
  if (m <= 0) return 0;
  if (slope === 0) return m / r0;
  return (2 * m) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 2 * slope * m)));
}

/**
 * Open model: intended send times (s, strictly increasing, within [0, duration)).
 * The k-th arrival is where the cumulative count ∫rate reaches k − 0.5: midpoints keep a
 * constant rate evenly spaced inside the run (10 req/s → 0.05, 0.15, …, 2.95) and make
 * each stage's count differ from its ∫rate by less than 1. A generator, so a long
 * high-rate run never holds its whole schedule.
 */
export function* arrivalSchedule(stages: readonly RateStage[], duration: number): Generator<number> {
  // An infinite rate or duration would make this loop spin without ever yielding.
  const bad = stages.find((s) => !Number.isFinite(s.rate) || !Number.isFinite(s.from ?? 0) || !Number.isFinite(s.at));
  if (bad || !Number.isFinite(duration)) throw new LabError('INTERNAL', `arrivalSchedule: expected finite rates and duration, got ${JSON.stringify(bad ?? { duration })}`);
  let before = 0;
  let k = 1;
  let last = -Infinity;
  for (let i = 0; i < stages.length; i++) {
    const g = segment(stages, duration, i);
    const len = g.end - g.at;
    if (len <= 0) continue;
    const slope = (g.to - g.from) / len;
    const total = ((g.from + g.to) / 2) * len;
    while (k - 0.5 < before + total) {
      const t = g.at + timeToCount(g.from, slope, k - 0.5 - before);
      k++;
      // Rounding could only push a time onto the stage's end or its predecessor; never send it twice.
      if (t > last && t < g.end) {
        last = t;
        yield t;
      }
    }
    before += total;
  }
}

/**
 * Each stage's window, in whole seconds when stage times are whole (results are per second).
 * Closed: steady from the first whole second after the ramp reaches the target. A stage with
 * no whole steady second (its ramp is cut by the next stage, or ends with it) is measured
 * whole: the load it saw is still a result, and an empty window would read as a dead target.
 * Open: arrivals follow the schedule with no lag, so a rate ramp is itself the measurement.
 */
export function stageWindows(profile: Profile): StageWindow[] {
  const endOf = (i: number) => Math.min(profile.stages[i + 1]?.at ?? profile.duration, profile.duration);
  if (profile.model === 'open') {
    return profile.stages.map((s, index) => ({ index, at: s.at, end: endOf(index), steadyFrom: s.at, users: s.rate }));
  }
  let count = 0;
  return profile.stages.map((s, index) => {
    const end = endOf(index);
    const reached = Math.ceil(s.at + Math.abs(s.users - count) / s.spawnRate - EPS);
    const steadyFrom = reached < end ? reached : Math.min(Math.ceil(s.at), end);
    count = rampTo(count, s, end - s.at);
    return { index, at: s.at, end, steadyFrom, users: s.users };
  });
}

/** A virtual user's pause after a task that took `elapsedSeconds`. */
export function waitSeconds(wait: WaitTime, rand: () => number, elapsedSeconds: number): number {
  switch (wait.kind) {
    case 'between': return wait.min + rand() * (wait.max - wait.min);
    case 'constant': return wait.seconds;
    case 'constantPacing': return Math.max(0, wait.seconds - elapsedSeconds);
  }
}

/** Mean pause; pacing's pause shrinks by the service time, so pass it when it is known. */
export function meanWaitSeconds(wait: WaitTime, meanServiceSeconds = 0): number {
  switch (wait.kind) {
    case 'between': return (wait.min + wait.max) / 2;
    case 'constant': return wait.seconds;
    case 'constantPacing': return Math.max(0, wait.seconds - meanServiceSeconds);
  }
}

/** Weighted choice: a task of weight 3 is picked three times as often as one of weight 1. */
export function pickTask<T extends { weight: number }>(tasks: readonly T[], rand: () => number): T {
  return taskPicker(tasks)(rand);
}

/** pickTask with the weights summed once, for a driver that picks on every request. */
export function taskPicker<T extends { weight: number }>(tasks: readonly T[]): (rand: () => number) => T {
  const total = tasks.reduce((n, t) => n + t.weight, 0);
  if (!(total > 0)) throw new LabError('INTERNAL', `pickTask: expected tasks with a positive total weight, got ${tasks.length} task(s) weighing ${total}`);
  const last = tasks[tasks.length - 1]!;
  return (rand) => {
    let r = rand() * total;
    for (let i = 0; i < tasks.length; i++) {
      r -= tasks[i]!.weight;
      if (r < 0) return tasks[i]!;
    }
    return last;
  };
}

export interface ProfileTotals {
  unit: 'users' | 'req/s';
  /** Highest user count (closed) or arrival rate (open) the profile asks for. */
  peak: number;
  /** Offered load at the peak (req/s); closed: users / (mean wait + mean service). */
  peakRps: number;
}

/** Headline numbers for the CLI; closed-model load depends on how fast the target answers. */
export function profileTotals(profile: Profile, meanServiceSeconds = 0): ProfileTotals {
  if (profile.model === 'open') {
    const peak = Math.max(...profile.stages.map((s) => Math.max(s.rate, s.from ?? s.rate)));
    return { unit: 'req/s', peak, peakRps: peak };
  }
  const peak = Math.max(...profile.stages.map((s) => s.users));
  return { unit: 'users', peak, peakRps: peak / (meanWaitSeconds(profile.wait, meanServiceSeconds) + meanServiceSeconds) };
}
