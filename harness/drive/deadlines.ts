import { performance } from 'node:perf_hooks';

/** A request waiting for its answer, as the deadline keeper sees it. */
export interface Pending {
  /** `performance.now()` (ms) at which the request has timed out. */
  readonly deadline: number;
  /** The timeout it was given (ms), for the message. */
  readonly timeoutMs: number;
  /** Give up on the request now with `err` (it rejects; its connection is closed). */
  fail(err: Error): void;
}

/**
 * Requests in flight with their deadlines, under one shared timer instead of one timer per
 * request: arming and clearing a Node timer per request cost ~1 µs of ~15 (bench/README.md).
 *
 * The timer is armed for the earliest deadline. When it fires, every request past its deadline
 * fails, then it is re-armed for the earliest one left. A request that completes is only taken
 * out of the set; the timer is not touched, so a run of fast requests costs one wake-up per
 * timeout period, not one per request. Precision is a Node timer's: a request fails at its
 * deadline, never before, and after it by the event loop's lateness (~1 ms when idle).
 *
 * Requests with one timeout are added in deadline order (a Set iterates in insertion order),
 * so a check stops at the first request not yet due; mixed timeouts fall back to a full scan.
 */
export class Deadlines<P extends Pending = Pending> {
  private readonly pending = new Set<P>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private lastAdded = -Infinity;
  private ordered = true;

  get size(): number {
    return this.pending.size;
  }

  add(p: P): void {
    this.pending.add(p);
    if (p.deadline < this.lastAdded) this.ordered = false;
    this.lastAdded = p.deadline;
    if (p.deadline < this.armedFor) this.arm(p.deadline);
  }

  delete(p: P): void {
    this.pending.delete(p);
    if (this.pending.size === 0) this.ordered = true;
  }

  /** Every request still in flight fails with `err`. */
  failAll(err: Error): void {
    for (const p of [...this.pending]) p.fail(err);
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    // unref: finished requests leave the timer armed; it must not hold a process open.
    this.timer = setTimeout(this.check, Math.max(1, at - performance.now()));
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const p of this.pending) {
      if (p.deadline <= now) p.fail(new RequestTimeoutError(`no complete response within ${p.timeoutMs} ms`));
      else if (this.ordered) {
        next = p.deadline;
        break;
      } else next = Math.min(next, p.deadline);
    }
    if (next < Infinity) this.arm(next);
  };
}

/** A request the lab gave up on: its own deadline passed, or the drain after the profile ran out. */
export class RequestTimeoutError extends Error {
  readonly code = 'LOADLAB_TIMEOUT';
  override readonly name = 'TimeoutError';
}
