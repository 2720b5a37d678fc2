import path from 'node:path';
import type { ClosedProfile, Profile } from '../../profiles/lib/define.ts';
import type { WorkModel } from '../../targets/lib/define.ts';
import { MEAN_SERVICE_MS } from '../../targets/lib/prng.ts';
import type { FoundProfile, FoundTarget } from '../input/discover.ts';
import { driveClosed } from '../drive/closed.ts';
import { driveOpen, meanScheduledRate } from '../drive/open.ts';
import { attachExternal, isExternal, type AttachedTarget, type ExternalTarget } from '../spawn/external.ts';
import { warmUp } from '../drive/warmup.ts';
import { machineInfo } from '../results/machine.ts';
import { Recorder, type RecorderResult } from '../record/recorder.ts';
import { safeDirName, writeManifest, writeSummary, writeTargetResults } from '../results/write.ts';
import { RESULTS_SCHEMA_VERSION, type FailuresFile, type IntervalRow, type RunManifest, type SaturationRow, type StageStats, type Summary, type SummaryTarget, type TargetEntry } from '../results/format.ts';
import { meanWaitSeconds, stageWindows } from '../analysis/schedule.ts';
import { judgeGenerator } from '../record/saturation/compute.ts';
import { startSaturation, writeSaturation, type SaturationSampler } from '../record/saturation/sampler.ts';
import { RepeatBook, repeatDir, repeatPlan, writeSpread } from '../modes/repeat.ts';
import { assertLoopbackUrl } from '../input/loopback.ts';
import { startTarget } from '../spawn/start-target.ts';
import { verdict } from '../analysis/verdict.ts';

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
}

/** After a target dies, keep driving this long so the failure shows up as refused requests, then move on. */
const AFTER_DEATH_MS = 1000;

/** What a live view needs to know; the harness never prints by itself. */
export interface LabEvents {
  targetStart?(e: { index: number; count: number; name: string; concurrency: number; repeat?: number; repeats?: number }): void;
  interval?(e: { name: string; row: IntervalRow; stageCount: number; duration: number }): void;
  targetEnd?(e: { name: string; state: TargetEntry['state']; error: string | null; stages: StageStats[] }): void;
  /** Started processes, so an emergency exit can kill them synchronously. */
  spawned?(pid: number): void;
  stopped?(pid: number): void;
}

export interface LabResult {
  runDir: string;
  manifest: RunManifest;
  summary: Summary;
}

export function concurrencyOf(t: FoundTarget, size: number | undefined): { size: number; concurrency: number } {
  const def = t.definition;
  const s = (def.defaultSize ?? 1) > 1 ? (size ?? def.defaultSize ?? 1) : 1;
  return { size: s, concurrency: def.concurrency ? def.concurrency(s) : 1 };
}

/** A target as the manifest records it; a server the lab did not start has unknown concurrency (0). */
function targetInfo(t: FoundTarget | ExternalTarget, size: number | undefined): Pick<TargetEntry, 'name' | 'description' | 'size' | 'concurrency' | 'url'> {
  if (isExternal(t)) return { name: t.name, description: t.url, size: 0, concurrency: 0, url: t.url };
  return { name: t.definition.name, description: t.definition.description, ...concurrencyOf(t, size) };
}

/**
 * Runs every target in turn under the same profile and seed: start → warm-up (not recorded)
 * → profile → stop. Each target's files are on disk before the next one starts, and the
 * manifest and summary are rewritten after each, so an interruption never costs finished work.
 */
export async function runLab(o: LabOptions): Promise<LabResult> {
  const { profile } = o.profile;
  const repeats = o.repeat ?? 1;
  const plan = repeatPlan(o.targets, repeats);
  const manifest: RunManifest = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: path.basename(o.runDir),
    startedAt: new Date().toISOString(),
    finishedAt: null,
    complete: false,
    ...(await machineInfo()),
    work: o.work,
    seed: o.seed,
    profile,
    profileSource: o.profile.source,
    ...(repeats > 1 ? { repeats } : {}),
    targets: plan.map(({ target: t, repeat }) => {
      const info = targetInfo(t, o.size);
      return {
        ...info,
        state: 'interrupted',
        error: 'not run',
        dir: repeatDir(safeDirName(info.name), repeat),
        ...(repeats > 1 ? { repeat } : {}),
      };
    }),
  };
  const summary: Summary = { schemaVersion: RESULTS_SCHEMA_VERSION, runId: manifest.runId, profile: profile.name, work: o.work, targets: [] };
  await writeManifest(o.runDir, manifest);

  const book = new RepeatBook(manifest.runId, repeats);
  for (const [index, { target, targetIndex, repeat }] of plan.entries()) {
    if (o.signal.aborted) break;
    const entry = manifest.targets[index]!;
    o.events?.targetStart?.({ index, count: plan.length, name: entry.name, concurrency: entry.concurrency, ...(repeats > 1 ? { repeat, repeats } : {}) });
    const outcome = await runOneTarget(o, target, entry);
    entry.state = outcome.failures.state;
    entry.error = outcome.failures.error;
    const unit = profile.model === 'open' ? 'req/s' : 'users';
    if (repeats === 1) summary.targets.push(summarize(entry, outcome.result?.stages ?? [], unit, profile));
    else {
      book.add(targetIndex, entry, outcome.result?.stages ?? []);
      summary.targets = book.summaryTargets((e, stages) => summarize(e, stages, unit, profile));
      await writeSpread(o.runDir, book.spread());
    }
    o.events?.targetEnd?.({ name: entry.name, state: entry.state, error: entry.error, stages: outcome.result?.stages ?? [] });
    await writeSummary(o.runDir, summary);
    await writeManifest(o.runDir, manifest);
  }

  manifest.complete = !o.signal.aborted;
  manifest.finishedAt = new Date().toISOString();
  await writeManifest(o.runDir, manifest);
  await writeSummary(o.runDir, summary);
  return { runDir: o.runDir, manifest, summary };
}

async function runOneTarget(o: LabOptions, target: FoundTarget | ExternalTarget, entry: TargetEntry): Promise<{ result: RecorderResult | null; failures: FailuresFile }> {
  const { profile } = o.profile;
  const dir = path.join(o.runDir, entry.dir);
  const failures: FailuresFile = { state: 'ok', error: null, diedAt: null, exitCode: null, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, samples: {} };
  let started: AttachedTarget;
  try {
    started = isExternal(target) ? attachExternal(target) : await startTarget({
      file: target.file,
      name: entry.name,
      work: o.work,
      seed: o.seed,
      size: entry.size,
      env: target.definition.env,
      readyTimeoutMs: (target.definition.readyTimeoutSeconds ?? 15) * 1000,
      logFile: path.join(dir, 'target.log'),
      onSpawn: (pid) => o.events?.spawned?.(pid),
      signal: o.signal,
    });
  } catch (err) {
    const pid = (err as { pid?: unknown }).pid;
    if (typeof pid === 'number') o.events?.stopped?.(pid);
    failures.state = o.signal.aborted ? 'interrupted' : 'failed';
    failures.error = err instanceof Error ? err.message : String(err);
    await writeTargetResults(dir, emptyResult(o), failures);
    return { result: null, failures };
  }

  // Ends the drive early: on Ctrl-C, or shortly after the target died.
  const end = new AbortController();
  const onAbort = () => end.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) end.abort();
  let profileStart = 0;
  let stopping = false;
  let died = '';
  void started.exited.then((e) => {
    if (stopping) return;
    failures.diedAt = profileStart === 0 ? 0 : Math.round((e.at - profileStart) / 100) / 10;
    failures.exitCode = e.code;
    died = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
    setTimeout(() => end.abort(), AFTER_DEATH_MS).unref();
  });

  const recorder = new Recorder({
    windows: stageWindows(profile),
    duration: Math.ceil(profile.duration),
    expectedIntervalUs: profile.model === 'closed' ? expectedSendIntervalUs(profile.wait) : null,
    latencyBasis: profile.model === 'open' ? 'intended' : 'sent',
    onInterval: (row) => o.events?.interval?.({ name: entry.name, row, stageCount: profile.stages.length, duration: profile.duration }),
  });
  let reached = 0;
  let sampler: SaturationSampler | undefined;
  let saturation: SaturationRow[] | undefined;
  try {
    assertLoopbackUrl(started.url, o.allowRemote ?? false);
    await warmUp({ origin: started.url, seconds: profile.warmupSeconds, timeoutMs: profile.timeoutMs, signal: end.signal });
    if (!end.signal.aborted) profileStart = Date.now();
    if (profileStart && started.pid !== null) sampler = startSaturation({ pid: started.pid, origin: started.url, startedAt: profileStart });
    if (profile.model === 'closed') {
      await driveClosed({ origin: started.url, profile, recorder, seed: o.seed, signal: end.signal, onTick: (t) => recorder.advance(t) });
    } else {
      await driveOpen({ origin: started.url, profile, recorder, seed: o.seed, signal: end.signal, onTick: (t) => recorder.advance(t) });
    }
    reached = profileStart === 0 ? 0 : (Date.now() - profileStart) / 1000;
  } finally {
    stopping = true;
    o.signal.removeEventListener('abort', onAbort);
    saturation = await sampler?.stop();
    await started.stop();
    if (started.pid !== null) o.events?.stopped?.(started.pid);
  }

  const endedEarly = end.signal.aborted;
  const result = endedEarly ? recorder.finish(reached) : recorder.finish();
  // A stage the run never reached was not measured: leave it out rather than report it as empty.
  if (endedEarly) result.stages = result.stages.filter((s) => s.at < reached);
  if (profile.model === 'open') for (const s of result.stages) s.offered = meanScheduledRate(profile, s.steadyFrom, s.end);
  failures.errors = result.errors;
  failures.samples = result.samples;
  if (failures.diedAt !== null) {
    failures.state = 'failed';
    failures.error = `target ${entry.name} died at ${failures.diedAt} s (${died})`;
  } else if (o.signal.aborted) {
    failures.state = 'interrupted';
    failures.error = profileStart === 0 ? 'interrupted during warm-up' : `interrupted at ${Math.round(reached * 10) / 10} s of ${profile.duration} s`;
  }
  await writeTargetResults(dir, result, failures);
  if (saturation) {
    await writeSaturation(dir, saturation);
    entry.generator = judgeGenerator(saturation);
  }
  return { result, failures };
}

/**
 * The interval at which a virtual user sends when the server keeps up: its think time plus a
 * typical service time. A response slower than this hid requests the user would have sent
 * (coordinated omission); the corrected histogram adds them back.
 */
function expectedSendIntervalUs(wait: ClosedProfile['wait']): number {
  const svc = MEAN_SERVICE_MS / 1000;
  return Math.max(1, Math.round((meanWaitSeconds(wait, svc) + svc) * 1e6));
}

function emptyResult(o: LabOptions): RecorderResult {
  return new Recorder({ windows: stageWindows(o.profile.profile), duration: 0, expectedIntervalUs: null }).finish();
}

function summarize(entry: TargetEntry, stages: StageStats[], unit: 'users' | 'req/s', profile: Profile): SummaryTarget {
  const opts = profile.model === 'closed' ? { unit, meanWaitSeconds: meanWaitSeconds(profile.wait, MEAN_SERVICE_MS / 1000) } : { unit };
  const v = entry.state === 'failed' && stages.every((s) => s.requests === 0)
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
