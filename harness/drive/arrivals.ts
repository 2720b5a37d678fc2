/** What one wake-up of the open-model loop does with the arrivals that have come due. */
export interface DueArrivals {
  /** Intended send times (s) to launch now, oldest first. */
  launch: number[];
  /** Intended send times of arrivals dropped because no in-flight slot was free. */
  dropped: number[];
}

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
   * Arrivals due by `now`, at most `limit` of them: the first `free` launch, the rest are
   * dropped. A late wake-up launches its backlog in a burst rather than skipping it, as wrk2
   * and k6 do; only the in-flight cap turns an arrival away, never the generator's own lateness.
   */
  due(now: number, free: number, limit = MAX_DUE_PER_TURN): DueArrivals {
    const out: DueArrivals = { launch: [], dropped: [] };
    let left = free;
    this.take(now, () => left > 0, (at) => { out.launch.push(at); left--; }, (at) => out.dropped.push(at), limit);
    return out;
  }

  /**
   * The same rule without arrays, for the driver (it runs on every answer at high rates): each
   * arrival due by `now` goes to `launch` while `hasRoom()` (asked afresh each time, as launches
   * fill the slots), else to `drop`. Returns how many were taken.
   */
  take(now: number, hasRoom: () => boolean, launch: (at: number) => void, drop: (at: number) => void, limit = MAX_DUE_PER_TURN): number {
    let taken = 0;
    while (!this.head.done && this.head.value <= now && taken < limit) {
      const at = this.head.value;
      this.head = this.times.next();
      taken++;
      if (hasRoom()) launch(at);
      else drop(at);
    }
    return taken;
  }
}
