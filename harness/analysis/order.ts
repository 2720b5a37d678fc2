/**
 * Was each request answered in the order it was sent? Client-side and target-agnostic: a request
 * is "overtaken" when a request sent after it (by any user) was answered before it. A server that
 * serves its queue first come, first served overtakes almost nothing. Pure maths, no I/O.
 */

/** Send order against answer order, online: the requests in flight are the only state. */
export class SendOrder {
  private next = 0;
  private readonly inFlight = new Set<number>();

  /** A request goes out: its place in the send order (0, 1, 2, …). */
  send(): number {
    const seq = this.next++;
    this.inFlight.add(seq);
    return seq;
  }

  /** Request `seq` got its answer (or failed): how many requests sent after it settled before it. */
  settle(seq: number): number {
    this.inFlight.delete(seq);
    let laterStillOut = 0;
    for (const s of this.inFlight) if (s > seq) laterStillOut++;
    return this.next - seq - 1 - laterStillOut;
  }
}

/** The same count offline: `sentAt[i]` = send order of the i-th answer; each answer's overtakers. */
export function overtakers(answerOrder: readonly number[]): number[] {
  return answerOrder.map((seq, i) => answerOrder.slice(0, i).filter((s) => s > seq).length);
}

export interface WaitSummary { count: number; meanMs: number | null; p50Ms: number | null; p99Ms: number | null }

/** One stage's order: how many answers were overtaken, by how many, and how long they waited beside the rest. */
export interface OrderStats {
  /** Successful responses in the stage's steady part. */
  requests: number;
  /** Of those, answered after at least one request sent later. */
  overtaken: number;
  /** overtaken ÷ requests, in % (1 decimal). */
  overtakenPct: number;
  /** Σ overtakers: pairs (earlier sent, later answered). */
  inversions: number;
  /** Most later-sent requests answered ahead of a single one. */
  maxOvertakers: number;
  /** Latency of the overtaken responses, and of the rest. */
  overtakenWait: WaitSummary;
  inOrderWait: WaitSummary;
  /**
   * Each user's first request, the one that opened its connection (with keep-alive, a user's only
   * new connection): how long those waited. Absent in older runs.
   */
  firstWait?: WaitSummary;
}

/** Adds up one stage's answers; latencies are summarised by the caller's histograms. */
export class OrderTally {
  requests = 0;
  overtaken = 0;
  inversions = 0;
  maxOvertakers = 0;

  add(overtakenBy: number): void {
    this.requests++;
    this.inversions += overtakenBy;
    if (overtakenBy > 0) this.overtaken++;
    this.maxOvertakers = Math.max(this.maxOvertakers, overtakenBy);
  }

  stats(overtakenWait: WaitSummary, inOrderWait: WaitSummary): OrderStats | null {
    if (this.requests === 0) return null;
    const overtakenPct = Math.round((this.overtaken / this.requests) * 1000) / 10;
    return { requests: this.requests, overtaken: this.overtaken, overtakenPct, inversions: this.inversions, maxOvertakers: this.maxOvertakers, overtakenWait, inOrderWait };
  }
}
