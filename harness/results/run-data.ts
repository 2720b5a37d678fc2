import type {
  CapacityRow, CapacityTheoryInputs, CorrectionInfo, FailuresFile, ServiceTimeInfo, WorkModelInfo, HistogramsFile, IntervalRow, KneeRow, RunManifest, SaturationRow, SpreadFile, StageStats, Summary,
  SummaryTarget, TargetEntry,
} from './format.ts';

export type { SaturationRow } from './format.ts';

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
  /** With --repeat: the target's name without the " · repeat k" the page gives later repeats, and k. */
  base: string;
  repeat: number | null;
  /** Last lines of target.log, shown for targets that did not finish cleanly. */
  logTail: string[];
  /**
   * The coordinated-omission correction this target's corrected view used (manifest, or what
   * schema 1 implied); null for open-model and capacity / knee runs, where there is none.
   */
  correction: CorrectionInfo | null;
  files: RunFile[];
}

/**
 * 'profile': a staged load run (manifest, summary, per-target series and stages).
 * 'modes': a `--capacity` / `--knee` run: capacity.json and/or knee.json and each target's log;
 * no profile, so no stage or series files are expected.
 */
export type RunKind = 'profile' | 'modes';

/** With --repeat: one target's repeats folded into one, stage by stage (medians, as summary.json). */
export interface RepeatGroup {
  name: string;
  /** The per-repeat runs, in run order. */
  runs: TargetRun[];
  /** A TargetRun whose stages are the stage-wise medians of the counted repeats (harness/spread.ts). */
  median: TargetRun;
}

/** Everything the report knows about a run; built from the run folder only. */
export interface RunData {
  dir: string;
  kind: RunKind;
  /** False when manifest.json was absent and the report made one up from capacity.json / knee.json. */
  hasManifest: boolean;
  manifest: RunManifest;
  summary: Summary | null;
  profile: ProfileInfo;
  targets: TargetRun[];
  /** Files at the top of the run folder (manifest, summary, …). */
  files: RunFile[];
  /** spread.json (--repeat N > 1), capacity.json (--capacity), knee.json (--knee); null when absent. */
  spread: SpreadFile | null;
  capacity: CapacityRow[] | null;
  knee: KneeRow[] | null;
  /** With --repeat N > 1: per target, its repeats and their median; empty otherwise. */
  groups: RepeatGroup[];
  /** Files that were expected but missing or unreadable, in words. */
  problems: string[];
  /**
   * The lab's service-time distribution as the manifest recorded it (schema 1: what it implied,
   * see format.ts); null when the lab started no target of its own.
   */
  serviceTime: ServiceTimeInfo | null;
  /** What the work model did with the service time, as recorded at run time; null before schema 2. */
  workModel: WorkModelInfo | null;
  /** The capacity theory's inputs as recorded at run time (schema 1: work, cores and the implied mean). */
  theory: CapacityTheoryInputs;
}
