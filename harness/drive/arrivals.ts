/**
 * Most arrivals one wake-up takes from the schedule. A backlog larger than this (a stalled
 * loop at a high rate) is worked off over several turns, so memory and the time between two
 * turns stay bounded and a signal is always served.
 */
export const MAX_DUE_PER_TURN = 2000;

/**
 * The open-model schedule as the driver consumes it: one arrival looked ahead, the rest still
 * in the generator. Pure (time and free slots are passed in) so the drop rule is unit-tested.
 */
export class ArrivalQueue {
  private head: IteratorResult<number>;

  constructor(private readonly times: Iterator<number>) {
    this.head = times.next();
  }

  /** Intended time of the next arrival, or null once the schedule is spent. */
  get next(): number | null {
    return this.head.done ? null : this.head.value;
  }

  /**
   * Arrivals due by `now`, at most `limit` of them, oldest first. Each goes to `launch` while
   * `hasRoom()` (asked afresh each time, as launches fill the slots). One that finds no room goes
   * to `drop` if its time is before `dropBefore`; otherwise it **waits** (stays the next arrival,
   * and so does everything after it: first come, first sent) until a later call finds a slot or
   * lets it be dropped. `dropBefore = now` drops every due arrival that finds no room (k6's rule);
   * `-Infinity` never drops (an answer's callback: answers not read yet may free slots). A late
   * wake-up launches its backlog in a burst rather than skipping it, as wrk2 and k6 do. Callbacks,
   * not arrays: the driver runs this on every answer at high rates. Returns how many were taken
   * (launched or dropped; the waiting ones are not taken).
   */
  take(now: number, hasRoom: () => boolean, launch: (at: number) => void, drop: (at: number) => void, dropBefore = Infinity, limit = MAX_DUE_PER_TURN): number {
    let taken = 0;
    while (!this.head.done && this.head.value <= now && taken < limit) {
      const at = this.head.value;
      const room = hasRoom();
      if (!room && at >= dropBefore) break;
      this.head = this.times.next();
      taken++;
      if (room) launch(at);
      else drop(at);
    }
    return taken;
  }

  /** Is the next arrival due by `now` (and so, after a take that left it, waiting for a slot)? */
  dueBy(now: number): boolean {
    return !this.head.done && this.head.value <= now;
  }
}
