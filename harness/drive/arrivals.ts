/** What one wake-up of the open-model loop does with the arrivals that have come due. */
export interface DueArrivals {
  /** Intended send times (s) to launch now, oldest first. */
  launch: number[];
  /** Intended send times of arrivals dropped because no in-flight slot was free. */
  dropped: number[];
}

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
   * Every arrival due by `now`: the first `free` launch, the rest are dropped. A late wake-up
   * launches its backlog in one burst rather than skipping it, as wrk2 and k6 do; only the
   * in-flight cap turns an arrival away, never the generator's own lateness.
   */
  due(now: number, free: number): DueArrivals {
    const out: DueArrivals = { launch: [], dropped: [] };
    while (!this.head.done && this.head.value <= now) {
      (out.launch.length < free ? out.launch : out.dropped).push(this.head.value);
      this.head = this.times.next();
    }
    return out;
  }
}
