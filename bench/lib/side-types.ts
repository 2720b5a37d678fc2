import type { HttpClient } from '../../harness/drive/connections.ts';
import type { LatencyStats } from '../../harness/results/format.ts';

/** One load generator run, executed in a child process of its own so its CPU time is its alone. */
export type SideSpec =
  | { kind: 'lab-closed'; origin: string; users: number; seconds: number; warmupSeconds: number; pacingSeconds?: number; sampleRss?: boolean; client?: HttpClient }
  | { kind: 'lab-open'; origin: string; rate: number; seconds: number; warmupSeconds: number; maxInFlight?: number; sampleRss?: boolean; client?: HttpClient }
  | { kind: 'autocannon'; origin: string; connections: number; seconds: number; warmupSeconds: number };

export interface RssSample {
  /** Seconds since the measured run started. */
  t: number;
  rssMb: number;
  heapMb: number;
}

/** What a side reports back (one JSON line on stdout). Latency in ms. */
export interface SideResult {
  tool: string;
  /** Completed requests, successes and errors. */
  requests: number;
  errors: number;
  /** Open model: arrivals never sent (every in-flight slot busy for 100 ms past their time). */
  dropped: number;
  seconds: number;
  /** Successful responses per second. */
  rps: number;
  /** User + system CPU of the generator process over the measured run (all its threads). */
  cpuMs: number | null;
  cpuUsPerRequest: number | null;
  latency: LatencyStats;
  rss: RssSample[];
  /** Open model: worst lateness of a launch behind its intended time. */
  maxLagMs?: number;
  /** Open model: `dropped`, split into arrivals the generator saw wait for a slot in vain (the cap's) and those it first reached > 2 ms late, past the wait (its own lag). */
  droppedAtCap?: number;
  /** Open model: arrivals the schedule held (launched + dropped). */
  scheduled?: number;
  droppedLate?: number;
  /** Open model: arrivals that waited for a free slot and were then sent, and the worst such wait (ms, in their latency). */
  waited?: number;
  maxWaitMs?: number;
  /** Open model: mean requests in flight over the run (time-weighted; Little's law: rate × mean latency). */
  meanInFlight?: number;
  /** Open model: seconds spent with k requests in flight, at index k (slices add up; see medianInFlight). */
  inFlightLevels?: number[];
  /** Lab sides: the run's latency histogram (µs, compressed base64), so slices can be merged. */
  histogram?: string;
}

/** A generator in its child process: warmed up once, then run for as many measured slices as asked. */
export interface SideRunner {
  warmUp(): Promise<void>;
  /** `rate`: an open side's arrival rate for this slice instead of its spec's (others ignore it). */
  run(seconds: number, rate?: number): Promise<SideResult>;
}
