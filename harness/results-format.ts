/**
 * The shape of a run folder on disk: the only contract between the harness (which writes it)
 * and the reports (which read it). Every latency here is in milliseconds unless a name says µs.
 *
 *   RUN_DIR/manifest.json            RunManifest
 *   RUN_DIR/summary.json             Summary (stable, documented in the README)
 *   RUN_DIR/<target>/series.json     IntervalRow[]  (one row per second of the profile)
 *   RUN_DIR/<target>/series.csv      the same rows as CSV
 *   RUN_DIR/<target>/stages.json     StageStats[]   (steady part of each stage)
 *   RUN_DIR/<target>/histograms.json HistogramsFile (HdrHistogram compressed base64, µs)
 *   RUN_DIR/<target>/latency.hlog    HdrHistogram interval log, one histogram per second
 *   RUN_DIR/<target>/failures.json   FailuresFile
 *   RUN_DIR/<target>/target.log      the target's stdout and stderr
 */
export const RESULTS_SCHEMA_VERSION = 1;

export const ERROR_KINDS = ['refused', 'reset', 'timeout', 'http', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export type ErrorCounts = Record<ErrorKind, number>;

export interface IntervalRow {
  /** Second since the profile started (the row covers [t, t+1)). */
  t: number;
  /** Stage index active at `t`. */
  stage: number;
  /** Closed model: active virtual users. Open model: scheduled arrival rate (req/s). */
  users: number;
  /** Completed requests (successes + errors) in this second. */
  requests: number;
  /** Successful (2xx) responses per second. */
  rps: number;
  errors: ErrorCounts;
  errorsTotal: number;
  /** Open model: arrivals not launched because `maxInFlight` was reached. */
  dropped: number;
  /** Latency percentiles of successful responses in this second; null when there were none. */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface LatencyStats {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface StageStats extends LatencyStats {
  index: number;
  /** Stage start and end (s since profile start). */
  at: number;
  end: number;
  /** Where the steady part (after the ramp) begins; stats cover [steadyFrom, end). */
  steadyFrom: number;
  /** Closed: target users. Open: target arrival rate at the stage's end. */
  users: number;
  requests: number;
  /** Successful responses per second over the steady part. */
  rps: number;
  errors: ErrorCounts;
  errorsTotal: number;
  /** Errors as a percentage of completed requests. */
  errorPct: number;
  dropped: number;
  /** Coordinated-omission-corrected view (closed model) or null. */
  corrected: LatencyStats | null;
}

export interface HistogramsFile {
  unit: 'us';
  /** Whole profile (warm-up excluded), raw service latency. */
  run: string;
  /** Whole profile, coordinated-omission corrected (closed model) or null. */
  runCorrected: string | null;
  stages: { index: number; raw: string; corrected: string | null }[];
}

export type TargetState = 'ok' | 'failed' | 'interrupted';

export interface FailuresFile {
  state: TargetState;
  /** One line: why the target failed, if it did. */
  error: string | null;
  /** Seconds since profile start when the target process died, if it did. */
  diedAt: number | null;
  exitCode: number | null;
  errors: ErrorCounts;
  /** A few example error messages per kind, to make a failure diagnosable. */
  samples: Partial<Record<ErrorKind, string[]>>;
}

export interface TargetEntry {
  name: string;
  description: string;
  /** Requests the target can be working on at once (declared). */
  concurrency: number;
  size: number;
  state: TargetState;
  error: string | null;
  /** Folder of this target's files, relative to the run folder. */
  dir: string;
}

export interface RunManifest {
  schemaVersion: number;
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  /** False when the run was interrupted (Ctrl-C) or crashed: results so far only. */
  complete: boolean;
  gitCommit: string | null;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
  work: string;
  seed: number;
  profile: unknown;
  /** Where the profile came from (name or file). */
  profileSource: string;
  targets: TargetEntry[];
}

export interface SummaryStage {
  index: number;
  users: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: number;
}

export interface SummaryTarget {
  name: string;
  concurrency: number;
  state: TargetState;
  status: 'held' | 'degraded' | 'failed';
  stages: SummaryStage[];
  verdict: string;
}

export interface Summary {
  schemaVersion: number;
  runId: string;
  profile: string;
  work: string;
  targets: SummaryTarget[];
}
