import path from 'node:path';
import type { ClosedProfile } from '../profiles/lib/define.ts';
import type { WorkModel } from '../targets/lib/define.ts';
import { MEAN_SERVICE_MS } from '../targets/lib/prng.ts';
import type { FoundProfile, FoundTarget } from './discover.ts';
import { driveClosed } from './drive/closed.ts';
import { warmUp } from './drive/warmup.ts';
import { machineInfo } from './machine.ts';
import { Recorder, type RecorderResult } from './record.ts';
import { safeDirName, writeManifest, writeSummary, writeTargetResults } from './results.ts';
import { RESULTS_SCHEMA_VERSION, type FailuresFile, type IntervalRow, type RunManifest, type StageStats, type Summary, type SummaryTarget, type TargetEntry } from './results-format.ts';
import { meanWaitSeconds, stageWindows } from './schedule.ts';
import { startTarget, type StartedTarget } from './spawn.ts';
import { verdict } from './verdict.ts';

export interface LabOptions {
  targets: FoundTarget[];
  profile: FoundProfile;
  work: WorkModel;
  seed: number;
  runDir: string;
  /** Workers / pool threads for targets that have a size; undefined = each target's default. */
  size?: number;
  signal: AbortSignal;
  events?: LabEvents;
}

/** What a live view needs to know; the harness never prints by itself. */
export interface LabEvents {
  targetStart?(e: { index: number; count: number; name: string; concurrency: number }): void;
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

/**
 * Runs every target in turn under the same profile and seed: start → warm-up (not recorded)
 * → profile → stop. Each target's files are on disk before the next one starts, and the
 * manifest and summary are rewritten after each, so an interruption never costs finished work.
 */
export async function runLab(o: LabOptions): Promise<LabResult> {
  const { profile } = o.profile;
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
    targets: o.targets.map((t) => ({
      name: t.definition.name,
      description: t.definition.description,
      ...concurrencyOf(t, o.size),
      state: 'interrupted',
      error: 'not run',
      dir: safeDirName(t.definition.name),
    })),
  };
  const summary: Summary = { schemaVersion: RESULTS_SCHEMA_VERSION, runId: manifest.runId, profile: profile.name, work: o.work, targets: [] };
  await writeManifest(o.runDir, manifest);

  for (const [index, target] of o.targets.entries()) {
    if (o.signal.aborted) break;
    const entry = manifest.targets[index]!;
    o.events?.targetStart?.({ index, count: o.targets.length, name: entry.name, concurrency: entry.concurrency });
    const outcome = await runOneTarget(o, target, entry);
    entry.state = outcome.failures.state;
    entry.error = outcome.failures.error;
    summary.targets.push(summarize(entry, outcome.result?.stages ?? [], profile.model === 'open' ? 'req/s' : 'users'));
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

async function runOneTarget(o: LabOptions, target: FoundTarget, entry: TargetEntry): Promise<{ result: RecorderResult | null; failures: FailuresFile }> {
  const { profile } = o.profile;
  const dir = path.join(o.runDir, entry.dir);
  const failures: FailuresFile = { state: 'ok', error: null, diedAt: null, exitCode: null, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, samples: {} };
  let started: StartedTarget;
  try {
    started = await startTarget({
      file: target.file,
      name: entry.name,
      work: o.work,
      seed: o.seed,
      size: entry.size,
      env: target.definition.env,
      readyTimeoutMs: (target.definition.readyTimeoutSeconds ?? 15) * 1000,
      logFile: path.join(dir, 'target.log'),
    });
  } catch (err) {
    failures.state = 'failed';
    failures.error = err instanceof Error ? err.message : String(err);
    await writeTargetResults(dir, emptyResult(o), failures);
    return { result: null, failures };
  }
  o.events?.spawned?.(started.pid);

  let profileStart = 0;
  let stopping = false;
  void started.exited.then((e) => {
    if (profileStart === 0 || stopping) return;
    failures.diedAt = Math.round((e.at - profileStart) / 100) / 10;
    failures.exitCode = e.code;
  });

  const recorder = new Recorder({
    windows: stageWindows(profile),
    duration: Math.ceil(profile.duration),
    expectedIntervalUs: profile.model === 'closed' ? expectedSendIntervalUs(profile.wait) : null,
    onInterval: (row) => o.events?.interval?.({ name: entry.name, row, stageCount: profile.stages.length, duration: profile.duration }),
  });
  try {
    await warmUp({ origin: started.url, seconds: profile.warmupSeconds, timeoutMs: profile.timeoutMs, signal: o.signal });
    profileStart = Date.now();
    if (profile.model === 'closed') {
      await driveClosed({ origin: started.url, profile, recorder, seed: o.seed, signal: o.signal, onTick: (t) => recorder.advance(t) });
    } else {
      throw new Error('open-model profiles are not supported yet');
    }
  } finally {
    stopping = true;
    await started.stop();
    o.events?.stopped?.(started.pid);
  }

  const result = recorder.finish();
  failures.errors = result.errors;
  failures.samples = result.samples;
  if (o.signal.aborted) {
    failures.state = 'interrupted';
    failures.error = 'interrupted before the profile ended';
  } else if (failures.diedAt !== null) {
    failures.state = 'failed';
    failures.error = `target ${entry.name} died at ${failures.diedAt} s (exit code ${failures.exitCode ?? 'signal'})`;
  }
  await writeTargetResults(dir, result, failures);
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

function summarize(entry: TargetEntry, stages: StageStats[], unit: 'users' | 'req/s'): SummaryTarget {
  const v = entry.state === 'failed' && stages.every((s) => s.requests === 0)
    ? { status: 'failed' as const, text: `failed: ${entry.error ?? 'unknown error'}` }
    : verdict(stages, { unit });
  return {
    name: entry.name,
    concurrency: entry.concurrency,
    state: entry.state,
    status: v.status,
    stages: stages.map((s) => ({ index: s.index, users: s.users, rps: s.rps, p50: s.p50, p95: s.p95, p99: s.p99, errors: s.errorsTotal })),
    verdict: v.text,
  };
}
