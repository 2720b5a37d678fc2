/**
 * How evenly a server shared itself among its clients, from numbers already measured: requests
 * completed per virtual user, and how far the tail sits from the middle. Pure maths, no I/O.
 */
import type { OrderStats } from './order.ts';

export interface SpreadOfUsers {
  /** Virtual users counted (every user the stage ran, a starved one as 0). */
  users: number;
  min: number;
  median: number;
  max: number;
  /**
   * Jain's fairness index, (Σx)² ÷ (n·Σx²): 1 when every user got the same number of
   * responses, 1/n when one user got them all. Null without users or responses.
   */
  jain: number | null;
  /** Responses per user, user 0 first (the report's strip chart). Absent in older runs. */
  counts?: number[];
}

export interface StageFairness {
  perUser: SpreadOfUsers | null;
  /** p99 ÷ p50 of successful responses: how much longer the slowest 1% waited than the typical one. */
  p99OverP50: number | null;
  /** max ÷ mean. */
  maxOverMean: number | null;
  /** Send order against answer order (harness/analysis/order.ts); absent in older runs. */
  order?: OrderStats | null;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function jainIndex(xs: readonly number[]): number | null {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return xs.length === 0 || squares === 0 ? null : round3((sum * sum) / (xs.length * squares));
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spreadOfUsers(counts: readonly number[]): SpreadOfUsers | null {
  if (counts.length === 0) return null;
  return { users: counts.length, min: Math.min(...counts), median: median(counts), max: Math.max(...counts), jain: jainIndex(counts), counts: [...counts] };
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b <= 0 ? null : round3(a / b));

/** Per stage: `counts[i]` = responses user i got in the stage's steady part; latencies in any one unit. */
export function stageFairness(counts: readonly number[], lat: { p50: number | null; p99: number | null; max: number | null; mean: number | null }): StageFairness {
  return { perUser: spreadOfUsers(counts), p99OverP50: ratio(lat.p99, lat.p50), maxOverMean: ratio(lat.max, lat.mean) };
}
