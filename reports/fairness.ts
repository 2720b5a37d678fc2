import type { StageStats } from '../harness/results/format.ts';
import { fmtMs, fmtNum, fmtRps } from './format.ts';

export interface FairnessInput { name: string; stages: readonly StageStats[] }

/** Two throughputs this close count as "the same req/s". */
const SAME_RPS = 0.1;
/** A p99 at least this many times another's, at the same req/s, is worth a sentence. */
const TAIL_FACTOR = 2;
/** Below this Jain's index the users were not served evenly. */
const UNEVEN_JAIN = 0.95;

/**
 * A longer tail alone can be a longer queue (less capacity), not disorder. Claim "not served in
 * arrival order" only with evidence of it: users served unevenly, or a tail (p99 ÷ p50) at least
 * TAIL_FACTOR times as spread as the other target's at the same req/s.
 */
function outOfOrder(s: StageStats, o: StageStats): boolean {
  const jain = s.fairness?.perUser?.jain;
  if (jain !== undefined && jain !== null && jain < UNEVEN_JAIN) return true;
  if (!s.p50 || !o.p50 || s.p99 === null || o.p99 === null) return false;
  return s.p99 / s.p50 >= TAIL_FACTOR * (o.p99 / o.p50);
}

/**
 * "same req/s as X, but 1% of requests waited N× longer": for `t`, the stage where another target
 * served the same req/s with the tightest p99 by comparison; null when no such pair exists.
 */
export function unfairnessSentence(t: FairnessInput, all: readonly FairnessInput[]): string | null {
  let best: { s: StageStats; other: string; o: StageStats; factor: number } | null = null;
  for (const s of t.stages) {
    if (s.p99 === null || s.rps <= 0) continue;
    for (const x of all) {
      if (x.name === t.name) continue;
      const o = x.stages.find((st) => st.index === s.index);
      if (!o || o.p99 === null || o.p99 <= 0 || Math.abs(o.rps - s.rps) > SAME_RPS * Math.max(o.rps, s.rps)) continue;
      const factor = s.p99 / o.p99;
      if (factor >= TAIL_FACTOR && outOfOrder(s, o) && (!best || factor > best.factor)) best = { s, other: x.name, o, factor };
    }
  }
  if (!best) return null;
  const { s, o, other, factor } = best;
  const users = s.fairness?.perUser;
  const spread = users && users.jain !== null
    ? ` Its ${users.users} users got between ${fmtNum(users.min)} and ${fmtNum(users.max)} responses each (median ${fmtNum(users.median)}, Jain's index ${fmtNum(users.jain)}).`
    : '';
  return `In stage ${s.index + 1}, ${t.name} served the same req/s as ${other} (${fmtRps(s.rps)} vs ${fmtRps(o.rps)}), but 1% of its requests waited `
    + `${fmtNum(Math.round(factor * 10) / 10)}× longer (p99 ${fmtMs(s.p99)} vs ${fmtMs(o.p99)}): requests are not served in arrival order.${spread}`;
}

/** At least this share of a stage's responses overtaken by later-sent requests is disorder worth explaining. */
const OUT_OF_ORDER_PCT = 10;
/** Fewer responses than this in a stage say too little about order. */
const MIN_ORDERED = 50;

export interface OrderInput extends FairnessInput {
  /** `node` for a start-function target (manifest `runtime`). */
  runtime?: string | undefined;
  concurrency: number;
}

/**
 * The "why" of an unfair tail, from the run's own send-order record (fairness.order): which
 * share of a target's responses were overtaken by requests sent later, how long those waited,
 * and which targets answered in send order at the same stage. Null unless the data shows disorder.
 */
export function orderWhy(t: OrderInput, all: readonly OrderInput[], connection: 'keep-alive' | 'close'): string | null {
  const worst = t.stages
    .filter((s) => s.fairness?.order && s.fairness.order.requests >= MIN_ORDERED && s.fairness.order.overtakenPct >= OUT_OF_ORDER_PCT)
    .sort((a, b) => b.fairness!.order!.overtakenPct - a.fairness!.order!.overtakenPct)[0];
  const o = worst?.fairness?.order;
  if (!worst || !o) return null;
  const inOrder = all.filter((x) => x.name !== t.name && (() => {
    const xo = x.stages.find((s) => s.index === worst.index)?.fairness?.order;
    return xo && xo.requests >= MIN_ORDERED && xo.overtakenPct < 1;
  })()).map((x) => x.name);
  const peers = inOrder.length
    ? ` At the same stage ${inOrder.join(', ')} answered ${inOrder.length === 1 ? 'its' : 'their'} requests in the order they were sent (under 1% overtaken).` : '';
  // The run's own evidence of where the long waits sit: on each user's first request, the one that opened its connection.
  const first = o.firstWait;
  const firstLong = first && first.p99Ms !== null && o.inOrderWait.p99Ms !== null && first.p99Ms >= 2 * o.inOrderWait.p99Ms;
  const firstText = firstLong ? ` The longest waits were users' first requests, each opening its user's connection: p99 ${fmtMs(first.p99Ms)}.` : '';
  const loop = firstLong && t.runtime === 'node' && t.concurrency === 1 && connection === 'keep-alive'
    // No figure from outside this run folder here: the trace's own numbers are in the README, dated.
    ? ' A one-threaded server keeps serving the keep-alive connections it already holds, so a request on a connection not yet accepted waits behind them '
      + '(scripts/trace-order.ts traces it on the server side). With --connection close every request opens a new connection and waits its turn.'
    : '';
  return `Why ${t.name}'s tail is long: in stage ${worst.index + 1}, ${fmtNum(o.overtakenPct)}% of its responses came after a request sent later had already been answered `
    + `(up to ${fmtNum(o.maxOvertakers)} later requests went ahead of one). Those waited p99 ${fmtMs(o.overtakenWait.p99Ms)} (median ${fmtMs(o.overtakenWait.p50Ms)}), `
    + `against p99 ${fmtMs(o.inOrderWait.p99Ms)} for the responses answered in turn.${firstText}${peers}${loop}`;
}

/**
 * The whys the headline gives: only for a target that was unfair — its tail named by
 * unfairnessSentence beside another target, or, alone in its run, users served unevenly (Jain's
 * index under UNEVEN_JAIN at some stage). Several workers answer out of send order by nature — a
 * 10-ms request sent after a 100-ms one on another worker comes back first (launch peak:
 * worker-pool 40 % overtaken, by at most 5, p99 134 ms, Jain 0.999) — which is no tail to explain.
 */
export function orderWhys(all: readonly OrderInput[], connection: 'keep-alive' | 'close'): string[] {
  const uneven = (t: OrderInput) => t.stages.some((s) => { const j = s.fairness?.perUser?.jain; return j !== undefined && j !== null && j < UNEVEN_JAIN; });
  return all.filter((t) => uneven(t) || unfairnessSentence(t, all) !== null).flatMap((t) => orderWhy(t, all, connection) ?? []);
}
