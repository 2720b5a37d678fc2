import type { Profile } from '../../profiles/lib/define.ts';
import type { WorkModel } from '../../targets/lib/define.ts';
import { LAB_SERVICE_TIME, labWorkModel } from './service-time.ts';
import type { FoundProfile, FoundTarget } from '../input/discover.ts';
import { concurrencyOf } from '../input/concurrency.ts';
import { isExternal, type ExternalTarget } from '../spawn/external.ts';
import { buildManifest } from '../results/manifest.ts';
import { safeDirName, writeManifest, writeSummary } from '../results/write.ts';
import { RESULTS_SCHEMA_VERSION, type IntervalRow, type RunManifest, type SaturationRow, type StageStats, type Summary, type SummaryTarget, type TargetEntry } from '../results/format.ts';
import { meanWaitSeconds } from '../analysis/schedule.ts';
import { RepeatBook, repeatDir, repeatPlan, writeSpread } from '../modes/repeat.ts';
import { verdict, withSeconds, type VerdictStage } from '../analysis/verdict.ts';
import { runOneTarget } from './one-target.ts';
import { runtimeOf } from '../spawn/command.ts';
import { ValidityBook, validityOf } from './validity.ts';
import type { Threshold } from '../analysis/threshold-parse.ts';
import { evaluateThresholds } from '../analysis/thresholds.ts';
import { ThresholdBook } from './threshold-subjects.ts';
import type { LocustFound } from '../input/locust.ts';

export interface LabOptions {
  /** Targets the lab starts, or (`--url`) a server already running. */
  targets: (FoundTarget | ExternalTarget)[];
  profile: FoundProfile;
  work: WorkModel;
  seed: number;
  runDir: string;
  /** Workers / pool threads for targets that have a size; undefined = each target's default. */
  size?: number;
  signal: AbortSignal;
  events?: LabEvents;
  /** Runs of each target, interleaved A B A B … (`--repeat`). @default 1 */
  repeat?: number;
  /** Let load go to a non-loopback address (`--allow-remote`). @default false */
  allowRemote?: boolean;
  /** The profile's thresholds and `--assert`s, judged when the run ends (summary.json `thresholds`). @default [] */
  thresholds?: readonly Threshold[];
  /**
   * The engines that send the load (`--driver`): each target is run once per driver, in this
   * order; with both, the Locust run's target is named `<name>.locust`. @default ['lab']
   */
  drivers?: readonly Driver[];
  /** Locust worker processes (`--workers`). @default 1 */
  workers?: number;
  /** Where Locust was found (harness/input/locust.ts), when a driver is 'locust'. */
  locust?: LocustFound;
  /** Threads the built-in driver runs in (`--generators`): 1 = the lab's own thread. @default 1 */
  generators?: number;
}

export type Driver = 'lab' | 'locust';

/** "lab", "locust, 2 workers", "lab + locust, 2 workers": the manifest's, the report's and the terminal's label. */
export function driverLabel(drivers: readonly Driver[], workers: number): string {
  return drivers.map((d) => (d === 'locust' ? `locust, ${workers} worker${workers === 1 ? '' : 's'}` : d)).join(' + ');
}

/** What a live view needs to know; the harness never prints by itself. */
export interface LabEvents {
  targetStart?(e: { index: number; count: number; name: string; concurrency: number; external?: boolean; repeat?: number; repeats?: number }): void;
  interval?(e: { name: string; row: IntervalRow; stageCount: number; duration: number }): void;
  /** The target's and the generator's resources this second, as saturation.json will hold them. */
  saturation?(e: { name: string; row: SaturationRow }): void;
  targetEnd?(e: { name: string; state: TargetEntry['state']; error: string | null; stages: StageStats[] }): void;
  /** Started processes, so an emergency exit can kill them synchronously. */
  spawned?(pid: number): void;
  stopped?(pid: number): void;
  /** Something the user should know that does not stop the run (one line). */
  warning?(text: string): void;
}

export interface LabResult {
  runDir: string;
  manifest: RunManifest;
  summary: Summary;
}

/** A target as the manifest records it; a server the lab did not start has unknown concurrency (0). */
function targetInfo(t: FoundTarget | ExternalTarget, size: number | undefined): Pick<TargetEntry, 'name' | 'description' | 'size' | 'concurrency' | 'url' | 'runtime'> {
  if (isExternal(t)) return { name: t.name, description: t.url, size: 0, concurrency: 0, url: t.url };
  return { name: t.definition.name, description: t.definition.description, runtime: runtimeOf(t.definition), ...concurrencyOf(t, size) };
}

/**
 * Runs every target in turn under the same profile and seed: start → warm-up (not recorded)
 * → profile → stop. Each target's files are on disk before the next one starts, and the
 * manifest and summary are rewritten after each, so an interruption never costs finished work.
 */
export async function runLab(o: LabOptions): Promise<LabResult> {
  const { profile } = o.profile;
  const repeats = o.repeat ?? 1;
  const drivers = o.drivers ?? ['lab'];
  const workers = o.workers ?? 1;
  const plan = repeatPlan(o.targets, repeats).flatMap((p) => drivers.map((driver) => ({ ...p, driver })));
  const manifest = await buildManifest({
    runDir: o.runDir, work: o.work, seed: o.seed, profile, profileSource: o.profile.source, repeats,
    ...(o.targets.some((t) => !isExternal(t)) ? { serviceTime: LAB_SERVICE_TIME, workModel: labWorkModel(o.work) } : { serviceTime: null, workModel: null }),
    targets: plan.map(({ target: t, repeat, driver }) => {
      const base = targetInfo(t, o.size);
      const info = drivers.length > 1 && driver === 'locust' ? { ...base, name: `${base.name}.locust` } : base;
      return { ...info, dir: repeatDir(safeDirName(info.name), repeat), ...(repeats > 1 ? { repeat } : {}) };
    }),
  });
  if (drivers.some((d) => d !== 'lab')) {
    manifest.driver = driverLabel(drivers, workers);
    plan.forEach((p, i) => { manifest.targets[i]!.driver = p.driver === 'locust' ? { engine: 'locust', workers } : { engine: 'lab' }; });
  }
  if ((o.generators ?? 1) > 1) manifest.driver = `${manifest.driver ?? 'lab'}, ${o.generators} generator threads`;
  manifest.connection = profile.connection;
  const summary: Summary = { schemaVersion: RESULTS_SCHEMA_VERSION, runId: manifest.runId, profile: profile.name, work: o.work, targets: [] };
  await writeManifest(o.runDir, manifest);

  const book = new RepeatBook(manifest.runId, repeats);
  const validity = new ValidityBook();
  const judged = new ThresholdBook(profile);
  for (const [index, { target, targetIndex, repeat }] of plan.entries()) {
    if (o.signal.aborted) break;
    const entry = manifest.targets[index]!;
    o.events?.targetStart?.({ index, count: plan.length, name: entry.name, concurrency: entry.concurrency, ...(entry.url ? { external: true } : {}), ...(repeats > 1 ? { repeat, repeats } : {}) });
    const outcome = await runOneTarget(o, target, entry);
    entry.state = outcome.failures.state;
    entry.error = outcome.failures.error;
    const unit = profile.model === 'open' ? 'req/s' : 'users';
    validity.add(entry.name, validityOf(entry, outcome.result, profile));
    if (repeats === 1) {
      summary.targets.push(summarize(entry, withSeconds(outcome.result?.stages ?? [], outcome.result?.rows ?? []), unit, profile));
      validity.apply(summary, null);
    } else {
      book.add(targetIndex, entry, outcome.result?.stages ?? []);
      summary.targets = book.summaryTargets((e, stages) => summarize(e, stages, unit, profile));
      const spread = book.spread();
      validity.apply(summary, spread);
      await writeSpread(o.runDir, spread);
    }
    judged.add(targetIndex, entry, outcome.result);
    o.events?.targetEnd?.({ name: entry.name, state: entry.state, error: entry.error, stages: outcome.result?.stages ?? [] });
    await writeSummary(o.runDir, summary);
    await writeManifest(o.runDir, manifest);
  }

  manifest.complete = !o.signal.aborted;
  manifest.finishedAt = new Date().toISOString();
  if (o.thresholds?.length) summary.thresholds = evaluateThresholds(o.thresholds, judged.subjects());
  await writeManifest(o.runDir, manifest);
  await writeSummary(o.runDir, summary);
  return { runDir: o.runDir, manifest, summary };
}

/** The summary.json line of one target: its stages and verdict. */
export function summarize(entry: TargetEntry, stages: (StageStats & Pick<VerdictStage, 'seconds'>)[], unit: 'users' | 'req/s', profile: Profile): SummaryTarget {
  const serviceMs = entry.correction?.serviceMs ?? null;
  // Only a pacing wait depends on the service time; without one known, the verdict does without offered load.
  const opts = profile.model === 'closed' && (serviceMs !== null || profile.wait.kind !== 'constantPacing')
    ? { unit, meanWaitSeconds: meanWaitSeconds(profile.wait, (serviceMs ?? 0) / 1000) } : { unit };
  const v = entry.state === 'skipped'
    ? { status: 'skipped' as const, degradedFrom: null, text: `skipped: ${entry.error ?? 'a requirement is missing'}` }
    : entry.state === 'failed' && stages.every((s) => s.requests === 0)
      ? { status: 'failed' as const, degradedFrom: null, text: `failed: ${entry.error ?? 'unknown error'}` }
      : verdict(stages, opts);
  return {
    name: entry.name,
    concurrency: entry.concurrency,
    state: entry.state,
    status: v.status,
    degradedFrom: v.degradedFrom,
    stages: stages.map((s) => ({ index: s.index, users: s.users, rps: s.rps, p50: s.p50, p95: s.p95, p99: s.p99, errors: s.errorsTotal })),
    verdict: v.text,
  };
}
