import { MEAN_SERVICE_MS, type RunData } from '../results/run-data.ts';

/** Requests/s a server can finish when it can work on `concurrency` requests at once. */
export const capacityRps = (concurrency: number, meanServiceMs = MEAN_SERVICE_MS): number =>
  concurrency / (meanServiceMs / 1000);

/** 0 means the harness did not know (a server it did not start): no capacity can be claimed. */
export const knownConcurrency = (concurrency: number): boolean => Number.isFinite(concurrency) && concurrency > 0;

/**
 * Whether capacity ≈ concurrency ÷ service time describes the work: it does when a request
 * occupies its worker for its whole service time (`block`, `cpu`); with `sleep` an async
 * process overlaps the waits, so declared concurrency is not what limits it.
 */
export const capacityApplies = (work: string): boolean => work === 'block' || work === 'cpu';

/** With `cpu` work no more requests compute at once than there are cores. */
export const effectiveConcurrency = (work: string, concurrency: number, cores: number): number =>
  work === 'cpu' && cores > 0 ? Math.min(concurrency, cores) : concurrency;

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
 * target measured — a server that kept up served all that was offered.
 */
export function peakOfferedLoad(run: RunData): PeakLoad | null {
  let best: PeakLoad | null = null;
  for (const t of run.targets) {
    for (const s of t.stages) {
      const rps = run.profile.model === 'open' ? s.users : s.rps;
      if (Number.isFinite(rps) && (!best || rps > best.rps)) {
        best = { rps, target: run.profile.model === 'open' ? null : t.entry.name, stage: s.index, source: run.profile.model === 'open' ? 'scheduled' : 'measured' };
      }
    }
  }
  return best;
}
