/**
 * Was each request answered in the order it was sent? Client-side and target-agnostic: a request
 * is "overtaken" when a request sent after it (by any user) was answered before it. A server that
 * serves its queue first come, first served overtakes almost nothing. Pure maths, no I/O.
 */

/**
 * Send order against answer order, online, in O(log n) per request for n in flight: the requests
 * still out are kept in send order (a sorted array, since sequence numbers only grow) under a
 * Fenwick tree of which are still out, so "how many sent after this one are still out" is a
 * prefix sum instead of a scan of everything in flight. Settled entries are compacted away once
 * they outnumber the live ones, so memory follows the in-flight count, not the run's length.
 */
export class SendOrder {
  private next = 0;
  /** Sequence numbers in send order: every one still out, and settled ones not yet compacted. */
  private seqs: number[] = [];
  /** 1 while seqs[i] is out, 0 once settled. */
  private live: number[] = [];
  /** Fenwick tree over `live`, 1-based: tree[i] sums live[i − lowbit(i) … i − 1]. */
  private tree: number[] = [0];
  private out = 0;

  /** A request goes out: its place in the send order (0, 1, 2, …). */
  send(): number {
    const seq = this.next++;
    this.seqs.push(seq);
    this.live.push(1);
    const i = this.seqs.length;
    // Appending to a Fenwick tree: the new node covers (i − lowbit(i), i], all but itself already in.
    let sum = 1;
    for (let j = i - 1, stop = i - (i & -i); j > stop; j -= j & -j) sum += this.tree[j]!;
    this.tree.push(sum);
    this.out++;
    return seq;
  }

  /** Request `seq` got its answer (or failed): how many requests sent after it settled before it. */
  settle(seq: number): number {
    const at = this.lowerBound(seq);
    if (this.seqs[at] === seq && this.live[at] === 1) {
      this.live[at] = 0;
      for (let i = at + 1; i < this.tree.length; i += i & -i) this.tree[i]!--;
      this.out--;
    }
    // Sent later and still out = still out − still out and sent before it.
    const overtakers = this.next - seq - 1 - (this.out - this.prefix(at));
    if (this.out === 0) this.reset();
    else if (this.seqs.length - this.out > Math.max(32, this.out)) this.compact();
    return overtakers;
  }

  /** Live entries among the first `n` in send order. */
  private prefix(n: number): number {
    let sum = 0;
    for (let i = n; i > 0; i -= i & -i) sum += this.tree[i]!;
    return sum;
  }

  /** Index of the first entry sent at or after `seq` (seqs is ascending). */
  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reset(): void {
    this.seqs.length = 0;
    this.live.length = 0;
    this.tree.length = 1;
  }

  /** Keep only the requests still out and rebuild the tree over them in O(n). */
  private compact(): void {
    this.seqs = this.seqs.filter((_, i) => this.live[i] === 1);
    const n = this.seqs.length;
    this.live = new Array<number>(n).fill(1);
    this.tree = new Array<number>(n + 1).fill(1);
    this.tree[0] = 0;
    for (let i = 1; i <= n; i++) {
      const parent = i + (i & -i);
      if (parent <= n) this.tree[parent]! += this.tree[i]!;
    }
  }
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

  /** Adds another tally (another generator thread's, its own send order): counts add, the worst overtaking is the larger. */
  merge(o: Pick<OrderTally, 'requests' | 'overtaken' | 'inversions' | 'maxOvertakers'>): void {
    this.requests += o.requests;
    this.overtaken += o.overtaken;
    this.inversions += o.inversions;
    this.maxOvertakers = Math.max(this.maxOvertakers, o.maxOvertakers);
  }

  stats(overtakenWait: WaitSummary, inOrderWait: WaitSummary): OrderStats | null {
    if (this.requests === 0) return null;
    const overtakenPct = Math.round((this.overtaken / this.requests) * 1000) / 10;
    return { requests: this.requests, overtaken: this.overtaken, overtakenPct, inversions: this.inversions, maxOvertakers: this.maxOvertakers, overtakenWait, inOrderWait };
  }
}
