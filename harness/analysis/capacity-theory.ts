import type { CapacityTheoryInputs } from '../results/format.ts';
import type { RunData } from '../results/run-data.ts';

/** 0 means the harness did not know (a server it did not start): no capacity can be claimed. */
export const knownConcurrency = (concurrency: number): boolean => Number.isFinite(concurrency) && concurrency > 0;

/**
 * Whether capacity ≈ concurrency ÷ service time describes the work: it does when a request
 * occupies its worker for its whole service time (`block`, `cpu`); with `sleep` an async
 * process overlaps the waits, so declared concurrency is not what limits it.
 */
export const capacityApplies = (work: string): boolean => work === 'block' || work === 'cpu';

/**
 * The one capacity theory, for the terminal (capacity and knee tables) and the report alike:
 * how many requests per second a server can finish when every request it can work on is busy
 * for the mean service time (Little's law with all workers occupied).
 * - `block`: a request holds its worker for its whole service time, doing nothing else:
 *   concurrency ÷ mean service time.
 * - `cpu`: the same, concurrency ÷ mean, and not min(concurrency, cores) ÷ mean: the lab's cpu
 *   work (targets/lib/work.ts) spins until its service time has passed *on the clock*, so a
 *   thread the OS deschedules still finishes on time; more busy workers than cores share the
 *   cores rather than wait for one. Measured on 2 cores, 2026-11-28 (`npm run lab -- --capacity
 *   --work cpu --capacity-seconds 3`): worker-pool (4 threads) 65.4–70.8 req/s and
 *   express-cluster (4 processes) 60.1 req/s, against 72.7 for 4 ÷ 55 ms and 36.4 for
 *   min(4, 2) ÷ 55 ms. What the cores do limit is the CPU left for the load generator.
 * - `sleep`: one event loop overlaps any number of timer waits, so the declared concurrency is
 *   not what limits it: no bound (null).
 * Null too when the concurrency (a `--url` server) or the mean service time is unknown.
 * Unrounded; round where it is shown or stored. `cores` is recorded with the inputs, not used.
 */
export function theoreticalRps(i: CapacityTheoryInputs & { concurrency: number }): number | null {
  if (!capacityApplies(i.work) || !knownConcurrency(i.concurrency)) return null;
  if (i.meanServiceMs === null || !(i.meanServiceMs > 0)) return null;
  return i.concurrency / (i.meanServiceMs / 1000);
}

/** The rule above in a few words, for a table's heading or a caption. */
export function theoryRule(work: string, meanServiceMs: number | null): string {
  const mean = meanServiceMs === null ? 'mean service time' : `${meanServiceMs} ms mean service time`;
  if (work === 'block' || work === 'cpu') return `concurrency ÷ ${mean}`;
  return `none for work "${work}": the waits overlap`;
}

export interface PeakLoad {
  rps: number;
  /** Where it was measured (closed model) or scheduled (open model). */
  target: string | null;
  stage: number;
  source: 'measured' | 'scheduled';
}

/**
 * The highest load the run offered. Open model: the highest scheduled arrival rate of a stage.
 * Closed model: offered load depends on the server, so take the highest stage throughput any
 * target measured — a server that kept up served all that was offered. Only targets with a known
 * concurrency count when there are any: users who wait 0.75 s between answers offer a server
 * that answers at once (fastify-hello, unbounded) 53 req/s but one that works 55 ms 49 req/s, so
 * the no-work target's throughput would overstate what the working servers were offered.
 */
export function peakOfferedLoad(run: RunData): PeakLoad | null {
  let best: PeakLoad | null = null;
  const bounded = run.targets.filter((t) => knownConcurrency(t.entry.concurrency));
  const measured = run.profile.model === 'open' || bounded.length === 0 ? run.targets : bounded;
  for (const t of measured) {
    for (const s of t.stages) {
      const rps = run.profile.model === 'open' ? s.users : s.rps;
      if (Number.isFinite(rps) && (!best || rps > best.rps)) {
        best = { rps, target: run.profile.model === 'open' ? null : t.entry.name, stage: s.index, source: run.profile.model === 'open' ? 'scheduled' : 'measured' };
      }
    }
  }
  return best;
}
