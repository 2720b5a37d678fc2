import type {
  FailuresFile, HistogramsFile, IntervalRow, RunManifest, StageStats, Summary, SummaryTarget, TargetEntry,
} from '../harness/results-format.ts';

/**
 * Mean service time of one request of the default API, in ms: the work is uniform in
 * [10, 100) ms (targets/lib/prng.ts), so the mean is (10 + 100) / 2. The headline's capacity
 * reasoning (capacity ≈ concurrency ÷ mean service time) rests on it; change both together.
 */
export const MEAN_SERVICE_MS = 55;

/** Optional per-target `saturation.json` row (written by later harness versions). */
export interface SaturationRow {
  t: number;
  cpuPct: number | null;
  rssMb: number | null;
  eldP99Ms: number | null;
}

/** A file of the run, as a path relative to the run folder (always '/'-separated). */
export interface RunFile {
  path: string;
  bytes: number;
}

export interface ProfileInfo {
  name: string;
  description: string;
  model: 'closed' | 'open';
  duration: number | null;
  /** Stage starts and their target load (users, or arrival rate for the open model). */
  stages: { at: number; load: number }[];
  /** The profile exactly as stored in the manifest, for the perf engineer. */
  raw: unknown;
}

export interface TargetRun {
  entry: TargetEntry;
  series: IntervalRow[];
  stages: StageStats[];
  histograms: HistogramsFile | null;
  failures: FailuresFile | null;
  summary: SummaryTarget | null;
  saturation: SaturationRow[] | null;
  /** Last lines of target.log, shown for targets that did not finish cleanly. */
  logTail: string[];
  files: RunFile[];
}

/** Everything the report knows about a run; built from the run folder only. */
export interface RunData {
  dir: string;
  manifest: RunManifest;
  summary: Summary | null;
  profile: ProfileInfo;
  targets: TargetRun[];
  /** Files at the top of the run folder (manifest, summary, …). */
  files: RunFile[];
  /** Files that were expected but missing or unreadable, in words. */
  problems: string[];
}
