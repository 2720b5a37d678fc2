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
 *   RUN_DIR/<target>/saturation.json SaturationRow[] (one row per second of the profile; absent if it never started)
 *   RUN_DIR/<target>/saturation.csv  the same rows as CSV
 *   RUN_DIR/<target>/target.log      the target's stdout and stderr
 *
 * With --repeat N > 1, repeat k ≥ 2 of a target writes the same files to <target>/r<k>/,
 * and the run folder also holds:
 *   RUN_DIR/spread.json              SpreadFile (min / median / max across repeats)
 *   RUN_DIR/spread.csv               one row per (target, stage)
 * Capacity and knee modes (--capacity, --knee) write instead of a profile run:
 *   RUN_DIR/manifest.json            RunManifest with `profile: null` (machine, commit, targets, theory inputs)
 *   RUN_DIR/capacity.json            CapacityRow[]
 *   RUN_DIR/knee.json                KneeRow[]
 *   RUN_DIR/<target>/target.log      the target's log during that mode
 * `npm run compare -- BASE NEW` reads two run folders and writes, to its --out folder:
 *   OUT/compare.json                 CompareFile (end of this file)
 * With further runs (BASE NEW MORE…), each is compared against BASE: OUT/vs-<run id>/compare.json each.
 */
import type { StageFairness } from '../analysis/fairness.ts';

export const RESULTS_SCHEMA_VERSION = 2;

/*
 * Schema history.
 * 2: manifest.json carries what the report used to take from live code: `serviceTime` (the
 *    distribution the lab's targets drew service times from, with its mean), `workModel` (what
 *    the work model did with it), `capacityTheory`
 *    (the inputs of harness/analysis/capacity-theory.ts) and, per closed-model target,
 *    `correction` (the coordinated-omission correction's expected interval and where it came from).
 * 1: none of those. A schema-1 run implied: service time uniform 10–100 ms (mean 55 ms) for every
 *    target the lab started, capacity inputs = manifest `work` and `cores` with that mean, and a
 *    correction interval of (mean think time + 55 ms) per user, even for `--url` targets.
 *    `SCHEMA1_SERVICE_TIME` below is that implication; harness/results/load.ts falls back to it.
 */

/** How a request's service time is drawn by the targets the lab starts (all latencies in ms). */
export interface ServiceTimeInfo {
  distribution: 'uniform';
  minMs: number;
  maxMs: number;
  meanMs: number;
  /** Where the harness read it at run time (a module path), or how an old run's was inferred. */
  source: string;
}

/** What a schema-1 manifest (which did not record it) implied: the 10–100 ms uniform draw of that time. */
export const SCHEMA1_SERVICE_TIME: ServiceTimeInfo = {
  distribution: 'uniform', minMs: 10, maxMs: 100, meanMs: 55, source: 'not recorded (schema 1): the uniform 10–100 ms every schema-1 run used',
};

/** How the lab's targets spent a request's service time (targets/lib/work.ts at run time). */
export interface WorkModelInfo {
  name: string;
  description: string;
}

/**
 * Inputs of the capacity theory (harness/analysis/capacity-theory.ts `theoreticalRps`), as they
 * were at run time; each target's declared concurrency is in its TargetEntry.
 */
export interface CapacityTheoryInputs {
  work: string;
  /** Cores of the machine: `cpu` work computes on no more requests at once than this. */
  cores: number;
  /** Mean service time of one request (ms); null when no target was started by the lab. */
  meanServiceMs: number | null;
}

/**
 * Where the coordinated-omission correction's expected interval came from.
 * 'service-time': the mean of the lab's own service-time distribution (a target the lab started).
 * 'warm-up': the mean latency the warm-up measured (a `--url` server, whose service time the lab does not know).
 * 'none': nothing known (a `--url` server and no warm-up answer): no corrected view was recorded.
 */
export type CorrectionSource = 'service-time' | 'warm-up' | 'none';

/** The closed model's coordinated-omission correction for one target (see HistogramsFile.runCorrected). */
export interface CorrectionInfo {
  /** Interval between one user's sends when the server keeps up: mean think time + `serviceMs`; null = not corrected. */
  expectedIntervalMs: number | null;
  /** The service time assumed (ms); null when unknown. */
  serviceMs: number | null;
  source: CorrectionSource;
}

export const ERROR_KINDS = ['refused', 'reset', 'timeout', 'http', 'other'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export type ErrorCounts = Record<ErrorKind, number>;

export interface IntervalRow {
  /** Second since the profile started (the row covers [t, t+1)). */
  t: number;
  /** Stage index active at `t`. */
  stage: number;
  /** Closed model: active virtual users. Open model: scheduled arrival rate (req/s), averaged over this second. */
  users: number;
  /** Completed requests (successes + errors) in this second. */
  requests: number;
  /**
   * Successful (2xx) responses per second. In the last row, responses that completed after the
   * profile's end (the drain) are left out here but their latency is in the percentiles.
   */
  rps: number;
  errors: ErrorCounts;
  errorsTotal: number;
  /** Open model: arrivals never sent (all of them, whatever the cause: droppedLate + the rest, at the cap). */
  dropped: number;
  /**
   * Open model: of `dropped`, arrivals the generator itself first reached more than 2 ms after
   * their time (its own lag: that second measures the lab, not the server). The rest,
   * `dropped − droppedLate`, found every `maxInFlight` slot busy for 100 ms (the server's queue).
   * Optional: absent in closed-model rows and in run folders written before 2026-11-29, whose
   * drops have no recorded cause (read as unknown, never as 0 late).
   */
  droppedLate?: number;
  /**
   * Latency percentiles of successful responses in this second; null when there were none.
   * Timed as HistogramsFile.latencyBasis says: closed model from the actual send, open model
   * from the arrival's intended send time.
   */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** Open model: requests the generator sent in this second (absent in older runs and the closed model). */
  launched?: number;
  /**
   * Open model: requests in flight (sent, not yet answered or failed), averaged over this second,
   * as the generator counted them. Absent in older runs and the closed model.
   */
  inFlight?: number;
  /**
   * Closed model: virtual users whose loop was running, averaged over the second's samples (every
   * 100 ms). Unlike `users` it counts a user told to stop until its last request and think time end.
   * Absent in older runs.
   */
  liveUsers?: number;
  /** Mean latency of this second's successful responses (as p50…); open model also from the actual send. Absent in older runs. */
  mean?: number | null;
  sentMean?: number | null;
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
  /**
   * Open model only: the same responses timed from when each was actually sent (the
   * service view, without the generator's lateness); null or absent for closed runs, whose
   * main stats already are that.
   */
  sent?: LatencyStats | null;
  /**
   * Open model only: the mean scheduled arrival rate (req/s) over [steadyFrom, end). On a ramp
   * stage it is below `users`, the rate the ramp ends at; it is what the stage offered.
   */
  offered?: number;
  /**
   * Closed model: how evenly the stage's virtual users were served over the steady part
   * (responses per user, Jain's index) and how far the tail sits from the middle (p99 ÷ p50,
   * max ÷ mean). See harness/analysis/fairness.ts. Absent in older runs.
   */
  fairness?: StageFairness | null;
}

/**
 * What a latency is timed from. 'sent': when the request went out (closed model, where a user
 * sends only after the previous response; see `runCorrected` for the coordinated-omission view).
 * 'intended': the arrival's scheduled send time (open model, as wrk2 -R and k6 arrival-rate):
 * already free of coordinated omission, so there is no corrected view.
 */
export type LatencyBasis = 'sent' | 'intended';

export interface HistogramsFile {
  unit: 'us';
  /** What `run` and `stages[].raw` are timed from; absent in older files, meaning 'sent'. */
  latencyBasis?: LatencyBasis;
  /** Whole profile (warm-up excluded), successful responses, timed per `latencyBasis`. */
  run: string;
  /** Whole profile, coordinated-omission corrected (closed model) or null. */
  runCorrected: string | null;
  /** Open model: whole profile timed from the actual send (see StageStats.sent); else null or absent. */
  runSent?: string | null;
  stages: { index: number; raw: string; corrected: string | null; sent?: string | null }[];
}

/** 'skipped': not run because something it requires is missing (the error says what, and the install line). */
export type TargetState = 'ok' | 'failed' | 'interrupted' | 'skipped';

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
  /** Requests the target can be working on at once (declared); 0 = unknown (`url` set). */
  concurrency: number;
  /** Set when the lab drove a server it did not start (`--url`); `size` is then 0 too. */
  url?: string;
  /** What the server runs on: `node` (start function) or a command target's runtime (e.g. `python`); absent in older runs and for `--url`. */
  runtime?: string;
  size: number;
  state: TargetState;
  error: string | null;
  /** Folder of this target's files, relative to the run folder. */
  dir: string;
  /** 1-based repeat this entry is (only with --repeat > 1; one entry per target and repeat, in run order). */
  repeat?: number;
  /** How loaded the load generator was while driving this target; absent if the profile never started. */
  generator?: GeneratorLoad;
  /**
   * Schema ≥ 2, closed-model profile runs: the coordinated-omission correction used for this
   * target. Absent for open-model runs (nothing to correct) and capacity / knee runs.
   */
  correction?: CorrectionInfo;
  /** Open-model profile runs: what the arrival-rate driver did (harness/drive/open.ts OpenDriveStats). Absent in older runs. */
  openDrive?: OpenDriveInfo;
  /** Which engine drove this target; absent in older runs and for the built-in driver alone = the lab's. */
  driver?: DriverInfo;
  /**
   * Seconds the profile was driven, from its t = 0 to the end of the drive (the drain of the last
   * requests included; warm-up, start and stop left out; with Locust, how far its shape got). Absent in
   * older runs and when the profile never started.
   */
  driveSeconds?: number;
}

/** The open driver's own figures for one target. */
export interface OpenDriveInfo {
  /** Arrivals the schedule held, launched, and never sent (every `maxInFlight` slot busy for 100 ms past their time, MAX_WAIT_MS). */
  scheduled: number;
  launched: number;
  dropped: number;
  /**
   * `dropped`, split: the generator had seen them waiting for a slot (the server held every slot),
   * or first reached them more than 2 ms late, past the wait (its own lag, not the server's).
   * Absent in older runs.
   */
  droppedAtCap?: number;
  droppedLate?: number;
  /**
   * Arrivals that found every slot busy and waited for one (up to 100 ms), then were sent, and the
   * worst such wait (ms; in their latency, timed from the intended time). Absent in older runs
   * (which dropped such arrivals at once).
   */
  waited?: number;
  maxWaitMs?: number;
  /**
   * Worst lateness (ms) of a launch behind its intended send time (timer lag, a busy event loop),
   * not counting a wait for a slot the generator had seen busy (that is in maxWaitMs). Latency is
   * timed from the intended time, so up to this much of any latency is the generator's.
   */
  maxLagMs: number;
  /**
   * Connections opened and confirmed before the clock started (harness/drive/preconnect.ts), up
   * to `maxInFlight`; with `--generators N`, the threads' shares added up. Absent in older runs
   * (and, with `--generators N`, in runs before 2026-11-29).
   */
  preconnected?: number;
}

/** One Locust worker's share of a run (its request log). */
export interface LocustWorkerShare {
  /** Its log's file name: requests-<host>-<pid>.log. */
  name: string;
  requests: number;
  /** CPU time it used between its first and last sample (s); null with fewer than 2 samples. */
  cpuSeconds: number | null;
  /** Highest per-second CPU (% of one core). */
  peakCpuPct: number | null;
  /** Lines of its log that could not be read (cut by a kill). */
  badLines: number;
}

/**
 * The engine that sent the load. 'lab': the built-in closed/open driver in this process.
 * 'locust': a Locust master with `workers` worker processes, from a generated locustfile; every
 * request's exact latency came from the workers' logs (`<target>/locust/requests-*.log`),
 * merged into the same histograms. Locust's own CSVs are kept beside them, for reference.
 */
export interface DriverInfo {
  engine: 'lab' | 'locust';
  workers?: number;
  /** python3-locust's version, when known. */
  version?: string | null;
  /** Per worker: requests, CPU. */
  workerShares?: LocustWorkerShare[];
  /** Requests whose start fell outside the profile (more than 1 s before it, or after its end + timeout): worker clocks out of step. */
  outOfRun?: number;
  /** Locust's own "CPU usage above 90%" warnings, with the log they came from. */
  cpuWarnings?: string[];
  /** `npm run import`: the bundle folder the logs were imported from. */
  importedFrom?: string;
}

/**
 * The load generator's own saturation. When `saturated`, the latencies of this target include
 * time spent queued inside the generator, so they overstate the server's: treat them as suspect.
 */
export interface GeneratorLoad {
  saturated: boolean;
  /** One line: which threshold was crossed, for how long; null when not saturated. */
  reason: string | null;
  /** Highest per-second CPU of the generator process (% of one core); null without samples. */
  peakCpuPct: number | null;
  /** Highest per-second event-loop delay p99 of the generator (ms); null without samples. */
  peakEldP99Ms: number | null;
  /**
   * CPU time the generator spent on the profile (s): the lab process (sum of its per-second
   * samples), or every Locust worker together (their own CPU clocks). Absent in older runs.
   */
  cpuSeconds?: number | null;
  /** That CPU time per completed request (ms): what one request costs the driver. */
  cpuPerRequestMs?: number | null;
  /** `--generators N` (N > 1): the generator threads that sent the load (generators.json). Absent = 1, in the lab's own thread. */
  threads?: number;
  /** Stages during which a generator (thread) was saturated: there the generator, not the server, was the limit. Absent in older runs. */
  limited?: GeneratorLimit[];
}

/** A stage during which the load generator, not the server, was the limit. */
export interface GeneratorLimit {
  /** 0-based stage index. */
  stage: number;
  /** One line: which thread, which reading, for how long. */
  reason: string;
}

/** One second of one generator thread (`--generators`): its event loop's busy share (0–1) and its CPU (% of one core). */
export interface GeneratorThreadRow { t: number; elu: number | null; cpuPct: number | null }

/**
 * `<target>/generators.json`, with `--generators N` (N > 1): how the load was split across the
 * threads and how busy each was. Latencies, counts and per-user figures were merged exactly
 * from every thread; the send order (fairness "overtaken") is each thread's own.
 */
export interface GeneratorThreadsFile {
  generators: number;
  /** How the load was shared out: "users k, k+N, …" (closed) or "arrivals k, k+N, …" (open). */
  split: string;
  /** Spread of the threads' actual start instants on the shared clock (ms). */
  startSkewMs: number;
  threads: { index: number; requests: number; rows: GeneratorThreadRow[] }[];
}

/**
 * One second of resource use (saturation.json / .csv). The row covers [t, t+1) s since the
 * profile started, like IntervalRow.t. Null where a reading failed or does not apply.
 * Target figures cover its whole process tree (leader, cluster workers, any descendants).
 */
export interface SaturationRow {
  t: number;
  /** Target CPU, summed over the tree; 100 = one core fully busy. */
  cpuPct: number | null;
  /** Target resident memory, summed over the tree (MB = 2^20 bytes; shared pages count once per process). */
  rssMb: number | null;
  /**
   * Target event-loop delay p99 (ms beyond the timer's own interval), from its admin path
   * `/__loadlab/eld`. A cluster answers with its worst worker. The window is the time since the
   * previous successful read, so a target slow to answer reports a longer one.
   */
  eldP99Ms: number | null;
  /**
   * The load generator (this harness process): CPU % of one core, RSS MB, event-loop delay p99 ms.
   * With the Locust driver: the busiest worker's CPU that second, and no RSS or event-loop delay.
   */
  genCpuPct: number | null;
  genRssMb: number | null;
  genEldP99Ms: number | null;
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
  /** Whether each virtual user kept its connection or opened one per request (the profile's `connection`, or --connection); absent in older runs = keep-alive. */
  connection?: 'keep-alive' | 'close';
  /** Where the profile came from (name or file). */
  profileSource: string;
  /** The engine(s) that sent the load, as shown: "lab", "locust, 2 workers", "lab + locust, 2 workers". Absent in older runs = lab. */
  driver?: string;
  /** --repeat N, when N > 1: each target ran N times, interleaved (A B A B …). */
  repeats?: number;
  targets: TargetEntry[];
  /** Schema ≥ 2: the service-time distribution of the targets the lab started; null when it started none (`--url`). */
  serviceTime?: ServiceTimeInfo | null;
  /** Schema ≥ 2: what the capacity lines and "theoretical" figures are computed from. */
  capacityTheory?: CapacityTheoryInputs;
  /** Schema ≥ 2: what `work` meant at run time; null when the lab started no target of its own. */
  workModel?: WorkModelInfo | null;
}

export interface SummaryStage {
  index: number;
  users: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: number;
  /** With --repeat > 1: the spread across repeats; the numbers above are then its medians. */
  spread?: StageSpread;
}

export interface SummaryTarget {
  name: string;
  concurrency: number;
  state: TargetState;
  status: 'held' | 'degraded' | 'failed' | 'skipped';
  /** Index of the first stage that broke (see harness/verdict.ts), null when none did. Absent in older runs. */
  degradedFrom?: number | null;
  stages: SummaryStage[];
  verdict: string;
  /** With --repeat > 1: repeats run for this target (the spread may count fewer; see StageSpread.n). */
  repeats?: number;
  /** Whether this target's figures can be trusted (every repeat's checks, and the noise across them). Absent in older runs. */
  validity?: TargetValidity;
}

export interface Summary {
  schemaVersion: number;
  runId: string;
  profile: string;
  work: string;
  targets: SummaryTarget[];
  /**
   * The profile's `thresholds` and the `--assert` expressions, judged once the run ended: one
   * entry per target × threshold (docs/thresholds.md). Absent when none were given (and in older runs).
   */
  thresholds?: ThresholdOutcome[];
  /** Whether the lab's own numbers hang together (harness/analysis/validity.ts); absent in older runs. */
  validity?: RunValidity;
}

/** One scope unit a threshold was checked on: the whole run (`stage` null) or one stage. */
export interface ThresholdCheck {
  /** 0-based stage index; null for the whole run. */
  stage: number | null;
  /** Measured, in the threshold's unit; null when nothing was measured (no successful response, no request). */
  value: number | null;
  /** The bound it was held to; null when it could not be known (an offered rate the run does not know). */
  limit: number | null;
  /** With `N*offered`: the offered rate (req/s) the limit is a factor of. */
  offered?: number | null;
  pass: boolean;
}

/**
 * A threshold's outcome for one target (harness/analysis/thresholds.ts). 'fail' when any check
 * failed (a value not measured fails); 'skipped' when the target was skipped (a requirement missing).
 */
export interface ThresholdOutcome {
  /** As written: `p95<300ms@every-stage`, `express-dev:errors<1%`. */
  expression: string;
  source: 'profile' | 'cli';
  target: string;
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  unit: 'ms' | '%' | 'req/s';
  /** 'run', 'every stage', 'stage 3' or 'stage NAME'. */
  scope: string;
  status: 'pass' | 'fail' | 'skipped';
  /** The deciding check: the first that failed, else the one closest to its limit; null when there was none. */
  value: number | null;
  limit: number | null;
  stage: number | null;
  checks: ThresholdCheck[];
  /** One line: what was measured where, against which limit. */
  message: string;
}

/** 'suspect' when any check failed; `why` has one line per failed check. */
export interface RunValidity {
  verdict: 'valid' | 'suspect';
  why: string[];
}

/** The validity checks: each is true (passed), false (failed: the run is suspect) or null (could not be checked). */
export type ValidityCheckName = 'littles-law' | 'offered-load' | 'generator' | 'timer-lag' | 'lab-errors' | 'noise';

export interface ValidityCheck {
  check: ValidityCheckName;
  ok: boolean | null;
  /** One line with the numbers. */
  detail: string;
}

/**
 * Little's law on one stage's steady part: `measured` (closed: virtual users, open: requests in
 * flight, both time-averaged over the steady seconds) against `predicted` = throughput × (mean
 * response time + mean think time). Throughput counts every completed request (successes and errors).
 */
export interface LittleStage {
  stage: number;
  /** With --repeat: which repeat this is (1-based). */
  repeat?: number;
  /**
   * First second judged: the stage's steady start, or later, once the requests it opened with
   * (a previous stage's queue) have cleared. Absent in older summaries.
   */
  from?: number;
  measured: number;
  throughput: number;
  responseMs: number | null;
  /** Closed model: mean think time; null in the open model. */
  thinkMs: number | null;
  predicted: number | null;
  /** (predicted − measured) ÷ measured × 100. */
  deviationPct: number | null;
  /** null: not checked (see `note`). */
  ok: boolean | null;
  note: string | null;
}

export interface TargetValidity extends RunValidity {
  checks: ValidityCheck[];
  littlesLaw: LittleStage[];
}

export interface SpreadStats { min: number; median: number; max: number }

/**
 * One stage across repeats. Only repeats that finished ok count (all repeats that measured
 * anything when none did); `n` is how many measured the stage. A metric is null when none had it.
 */
export interface StageSpread {
  n: number;
  p50: SpreadStats | null;
  p95: SpreadStats | null;
  rps: SpreadStats | null;
}

export interface SpreadStage extends StageSpread {
  index: number;
  users: number;
  /** Repeat numbers that counted, in run order; `values` line up with it. */
  repeats: number[];
  values: { p50: (number | null)[]; p95: (number | null)[]; rps: (number | null)[] };
}

export interface SpreadTarget {
  name: string;
  concurrency: number;
  /** Every repeat run, counted or not: its folder (relative to the run folder) and how it ended. */
  runs: { repeat: number; dir: string; state: TargetState }[];
  stages: SpreadStage[];
}

/** spread.json (only with --repeat > 1). */
export interface SpreadFile {
  schemaVersion: number;
  runId: string;
  repeats: number;
  targets: SpreadTarget[];
}

/** capacity.json: one row per target. Latencies in ms; `rps` counts 2xx responses only. */
export interface CapacityRow {
  name: string;
  concurrency: number;
  work: string;
  connections: number;
  /** Seconds measured (after a short unrecorded warm-up). */
  seconds: number;
  rps: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  timeouts: number;
  /** harness/analysis/capacity-theory.ts `theoreticalRps` at run time (0.1 req/s); null where no bound holds. */
  theoreticalRps: number | null;
  state: TargetState;
  error: string | null;
}

/**
 * The evidence behind a steady-state judgement (harness/analysis/steady-state.ts): is a load
 * sustained, or does its queue grow? Counts are requests, latencies ms, per second of the load.
 */
export interface SteadyEvidence {
  /** steady: no sign of growth; broken: clearly not sustained; unsettled: a trend too short to call (not held). */
  state: 'steady' | 'broken' | 'unsettled';
  /** One line: why, naming the figure that decided. */
  reason: string;
  /**
   * Which rule decided, when it was not steady: failures (errors, drops or no response), slo
   * (p95 past it), backlog (growing), served (short of offered), latency-trend (p95 rising),
   * too-short (under 2 s measured); null when steady. Absent in knee.json before it was added.
   */
  decidedBy?: 'failures' | 'slo' | 'backlog' | 'served' | 'latency-trend' | 'too-short' | null;
  /** Per second, at its end: requests offered and not yet answered (running sum of offered − served − failed). */
  backlog: number[];
  /** First second judged; the seconds before it are the queue filling to its level. */
  judgedFrom: number;
  /** Backlog growth over the judged seconds (least-squares slope × their number). */
  backlogGrowth: number;
  /** Growth allowed as measurement noise over those seconds. */
  backlogAllowance: number;
  /** Median per-second p95 of the judged seconds' first and second half. */
  p95FirstHalf: number | null;
  p95SecondHalf: number | null;
  /** Least-squares slope of the per-second p95 over the judged seconds (ms per second). */
  p95SlopeMsPerS: number | null;
  /** Successful responses ÷ offered requests over the judged seconds. */
  servedRatio: number | null;
  /** Failed and dropped ÷ offered, over the judged seconds (over all seconds before 2026-11-29). */
  failShare: number;
}

/** One step of the knee search: a fixed arrival rate held until steady, clearly broken, or the cap. */
export interface KneeStep {
  rate: number;
  /** Open model: timed from each arrival's intended send time. */
  p95: number | null;
  /** Successful responses per second over every second of the step. */
  achievedRps: number;
  dropped: number;
  errors: number;
  /** Whether the step held: the steady-state rule found it steady (and p95 ≤ SLO). */
  ok: boolean;
  /** Seconds the rate was held (absent in knee.json written before the steady-state rule). */
  seconds?: number;
  /** Per-second p95 (ms) of the step, null in a second without a successful response. */
  p95PerSecond?: (number | null)[];
  /** Why the step held or broke (absent before the steady-state rule, when `ok` was p95 ≤ SLO and ≥ 90% served). */
  evidence?: SteadyEvidence;
  /** What the generator and the server used during the step (absent in older knee.json). */
  load?: KneeStepLoad;
  /** A step that did not hold: whether the generator, the server or the shared machine was the limit (absent in older knee.json). */
  limit?: KneeStepLimit;
}

/** One knee step's load on each side of the socket, over the whole step. */
export interface KneeStepLoad {
  /** The lab's process (the generator): CPU in % of one core, and its event loop's busy share (0–1). */
  genCpuPct: number | null;
  genElu: number | null;
  /** The target's process tree: CPU in % of one core (summed over its processes), and how many processes it had. */
  serverCpuPct: number | null;
  serverProcesses: number | null;
  /** Cores the machine offers the lab and the target together. */
  cores: number;
  /** The whole machine's CPU over the step in % of one core (all cores: up to cores × 100): the kernel's network work and other processes included; null when unread (not Linux). */
  machineCpuPct: number | null;
  /**
   * Of machineCpuPct: the kernel's softirq time (loopback TCP's delivery) and the hypervisor's steal, same unit (absent in older
   * knee.json). Softirq run in a process's context may be in that process's CPU too (it was on this project's machine: docs/knee.md).
   */
  softirqPct?: number | null;
  stealPct?: number | null;
  /** Arrivals dropped because the in-flight cap was full when they came due, and those the generator reached > 2 ms late. */
  droppedAtCap: number;
  droppedLate: number;
  /** Worst launch lag behind schedule (ms). */
  maxLagMs: number;
}

/** Which side limited a step that did not hold, and the numbers that say so. */
export interface KneeStepLimit {
  /** 'machine': neither side alone was at its limit, but together they used the cores up. */
  by: 'generator' | 'server' | 'machine' | 'unclear';
  reason: string;
}

/**
 * What a knee row's `maxSustainableRps` is. 'knee': a higher rate broke, the knee lies in
 * (maxSustainableRps, lowestBrokenRps]. 'lower-bound': no step broke before the search ended
 * (`stoppedBy` says why: its highest rate, its step or time cap): the target held every rate
 * tried, so the figure is a lower bound and the knee was not found. 'none': no rate held.
 */
export type KneeFound = 'knee' | 'lower-bound' | 'none';

/** knee.json: one row per target. */
export interface KneeRow {
  name: string;
  concurrency: number;
  work: string;
  sloMs: number;
  /** Seconds a step is held before it is judged (then up to `stepCapSeconds` while unsettled). */
  stepSeconds: number;
  /** Longest a step is held (absent before the steady-state rule). */
  stepCapSeconds?: number;
  /** Highest rate that held below the lowest rate that broke; null when even the first step broke. */
  maxSustainableRps: number | null;
  /**
   * The knee lies in (maxSustainableRps, lowestBrokenRps]: the lowest rate that did not hold;
   * null when every step held. Absent before the steady-state rule.
   */
  lowestBrokenRps?: number | null;
  /** Whether a knee was found or `maxSustainableRps` is only a lower bound (KneeFound); absent in older knee.json. */
  found?: KneeFound;
  /** Why the search ended. 'bracketed' = knee found within the resolution or bisection budget. */
  stoppedBy: 'bracketed' | 'max-rate' | 'max-steps' | 'time-cap' | 'min-rate' | 'interrupted' | 'failed' | 'skipped';
  theoreticalRps: number | null;
  /** With --knee-probe: the closed-loop max req/s measured before the search, which aimed it (null: nothing answered). Absent without a probe. */
  probeRps?: number | null;
  /** What limited the lowest rate that did not hold (that step's `limit`); absent when none broke or in older knee.json. */
  brokenBy?: KneeStepLimit;
  steps: KneeStep[];
  state: TargetState;
  error: string | null;
}

/*
 * compare.json (`npm run compare -- BASE NEW`, written to its --out folder): BASE and NEW are run
 * folders; each cell compares one metric of one target × stage across the two runs' repeats.
 */

/** The metrics compared; latencies in ms, `rps` successful responses per second, `errors` errors in % of requests. */
export const COMPARE_METRICS = ['p50', 'p95', 'p99', 'rps', 'errors'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/**
 * better / worse: the rank test found a difference at the stated confidence, and its direction
 * (lower latency and errors, higher req/s are better). 'no detectable difference': p ≥ 1 − confidence.
 * 'unknown': one run (or one measurement) on a side, so there is nothing to test: run with --repeat 5.
 */
export type CompareVerdict = 'better' | 'worse' | 'no detectable difference' | 'unknown';

export interface CompareCell {
  metric: CompareMetric;
  /** Each counted repeat's value, in run order (nulls left out). */
  baseValues: number[];
  newValues: number[];
  /** Medians of those values; null when none. */
  base: number | null;
  new: number | null;
  /** new − base (errors: percentage points) and (new − base) ÷ base × 100; null when not computable. */
  deltaAbs: number | null;
  deltaPct: number | null;
  /** Two-sided Mann-Whitney U p-value over the repeats; null when a side has fewer than 2 values. */
  p: number | null;
  /** 'exact' (permutation distribution, up to 10 vs 10) or 'normal' (tie- and continuity-corrected). */
  method: 'exact' | 'normal' | null;
  /** The smallest p these sample sizes can reach; when above 1 − confidence no difference can be detected. */
  minP: number | null;
  verdict: CompareVerdict;
}

export interface CompareStage {
  index: number;
  /** The stage's load (users, or arrival rate) in each run; they differ when the profiles do. */
  baseLoad: number;
  newLoad: number;
  cells: CompareCell[];
}

export interface CompareTarget {
  name: string;
  /** Repeats counted on each side (1 without --repeat). */
  baseRepeats: number;
  newRepeats: number;
  stages: CompareStage[];
  /**
   * Percentile spectra of each side, its counted repeats' histograms merged: the whole run
   * (`stage` null) and each stage's steady part. Absent in compare.json written before them.
   */
  spectra?: CompareSpectrum[];
}

/** One side's HDR percentile spectrum (reports/charts/spectrum-math.ts): x in nines, latency in ms. */
export interface CompareSpectrum {
  side: 'base' | 'new';
  stage: number | null;
  points: { nines: number; pct: string; ms: number }[];
}

/** One manifest field that differs between the runs (commit, node, cpuModel, cores, work, seed, profileHash, connection, driver). */
export interface EnvDifference {
  field: string;
  base: string;
  new: string;
}

/** A --fail-on rule that a significant regression crossed. */
export interface CompareBreach {
  rule: string;
  target: string;
  stage: number;
  metric: CompareMetric;
  deltaAbs: number;
  deltaPct: number | null;
  p: number;
}

export interface CompareFile {
  schemaVersion: number;
  /** Run folders as given on the command line, and their run ids. */
  base: { dir: string; runId: string };
  new: { dir: string; runId: string };
  /** e.g. 0.95: a cell is better / worse when p < 1 − confidence. */
  confidence: number;
  test: 'mann-whitney-u';
  /** Empty when both runs come from the same environment. */
  environment: EnvDifference[];
  /** Targets present in only one run. */
  onlyInBase: string[];
  onlyInNew: string[];
  targets: CompareTarget[];
  /** --fail-on: the rules as given (null without it) and what crossed them; a non-empty list exits 3. */
  failOn: string | null;
  breaches: CompareBreach[];
}
