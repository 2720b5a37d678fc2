import path from 'node:path';
import type { Profile } from '../../profiles/lib/define.ts';
import { LAB_SERVICE_TIME } from './service-time.ts';
import { correctionFor } from '../analysis/correction.ts';
import type { FoundTarget } from '../input/discover.ts';
import { assertLoopbackUrl } from '../input/loopback.ts';
import { attachExternal, isExternal, type AttachedTarget, type ExternalTarget } from '../spawn/external.ts';
import { startFoundTarget } from '../spawn/start-found.ts';
import { prepareLaunch, type Launch } from '../input/requires.ts';
import { driveClosed } from '../drive/closed.ts';
import { driveOpen, meanScheduledRate, type OpenDriveStats } from '../drive/open.ts';
import { warmUp } from '../drive/warmup.ts';
import { preconnectedPool } from '../drive/preconnect.ts';
import { Recorder, type RecorderResult } from '../record/recorder.ts';
import { startSaturation, writeSaturation, type SaturationSampler } from '../record/saturation/sampler.ts';
import { writeTargetResults } from '../results/write.ts';
import type { CorrectionInfo, FailuresFile, SaturationRow, TargetEntry } from '../results/format.ts';
import { stageWindows } from '../analysis/schedule.ts';
import type { LabOptions } from './lab.ts';
import { driveWithLocust, withWorkerCpu, type LocustDriven } from './locust-drive.ts';
import { driveThreads } from '../drive/generators/drive.ts';
import { judgeWithThreads, writeThreads } from './generators.ts';
import type { GeneratorThreadsFile } from '../results/format.ts';

/** After a target dies, keep driving this long so the failure shows up as refused requests, then move on. */
const AFTER_DEATH_MS = 1000;

export interface TargetOutcome { result: RecorderResult | null; failures: FailuresFile }

/** What happened to the target while it was driven; `end` stops the drive (Ctrl-C, or shortly after a death). */
interface Watch {
  end: AbortController;
  /** Date.now() when the profile (not the warm-up) began; 0 until then. */
  profileStart: number;
  /** Set once the lab stops the target itself, so that exit is not a death. */
  stopping: boolean;
  died: string;
  dispose(): void;
}

/**
 * One target through the pipeline: start (or attach to --url) → warm-up → drive the profile while
 * recording → stop → write its files. A target that fails is a result, not an exception.
 */
export async function runOneTarget(o: LabOptions, target: FoundTarget | ExternalTarget, entry: TargetEntry): Promise<TargetOutcome> {
  const dir = path.join(o.runDir, entry.dir);
  const failures = noFailures();
  const launch = isExternal(target) ? null : await prepareLaunch(target.definition, target.file);
  if (launch?.skipped) {
    failures.state = 'skipped';
    failures.error = launch.skipped;
    await writeTargetResults(dir, emptyResult(o.profile.profile), failures);
    return { result: null, failures };
  }
  let started: AttachedTarget;
  try {
    started = await startOrAttach(o, target, entry, dir, launch);
  } catch (err) {
    failures.state = o.signal.aborted ? 'interrupted' : 'failed';
    failures.error = err instanceof Error ? err.message : String(err);
    await writeTargetResults(dir, emptyResult(o.profile.profile), failures);
    return { result: null, failures };
  }
  for (const w of started.warnings) o.events?.warning?.(w);
  const watch = watchTarget(o.signal, started, failures);
  const { reached, saturation, recorder, locust, threads } = await driveAndStop(o, target, started, entry, watch);
  if (reached > 0) entry.driveSeconds = Math.round(reached * 1000) / 1000;
  const result = finishRecording(recorder, o.profile.profile, watch.end.signal.aborted || (locust?.error ?? threads?.error ?? null) !== null, reached);
  settle(failures, result, { name: entry.name, watch, interrupted: o.signal.aborted, reached, duration: o.profile.profile.duration });
  const driverError = locust?.error ?? threads?.error ?? null;
  if (driverError && failures.state === 'ok') {
    failures.state = 'failed';
    failures.error = driverError;
  }
  await writeTargetResults(dir, result, failures);
  if (threads) await writeThreads(dir, threads.file);
  if (saturation) {
    await writeSaturation(dir, saturation);
    entry.generator = { ...judgeWithThreads(saturation, threads?.file ?? null, result.stages, locust !== null), ...generatorCost(saturation, result, locust) };
  }
  return { result, failures };
}

function noFailures(): FailuresFile {
  return { state: 'ok', error: null, diedAt: null, exitCode: null, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, samples: {} };
}

async function startOrAttach(o: LabOptions, target: FoundTarget | ExternalTarget, entry: TargetEntry, dir: string, launch: Launch | null): Promise<AttachedTarget> {
  if (isExternal(target)) return attachExternal(target);
  return startFoundTarget(target, {
    ...(launch && launch.skipped === null ? launch : {}),
    name: entry.name, work: o.work, seed: o.seed, size: entry.size, logFile: path.join(dir, 'target.log'), signal: o.signal,
    spawned: (pid) => o.events?.spawned?.(pid), stopped: (pid) => o.events?.stopped?.(pid),
  });
}

/** Ends the drive on Ctrl-C, or AFTER_DEATH_MS after the target died (noting when and how). */
function watchTarget(signal: AbortSignal, started: AttachedTarget, failures: FailuresFile): Watch {
  const end = new AbortController();
  const onAbort = () => end.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) end.abort();
  const w: Watch = { end, profileStart: 0, stopping: false, died: '', dispose: () => signal.removeEventListener('abort', onAbort) };
  void started.exited.then((e) => {
    if (w.stopping) return;
    failures.diedAt = w.profileStart === 0 ? 0 : Math.round((e.at - w.profileStart) / 100) / 10;
    failures.exitCode = e.code;
    w.died = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
    setTimeout(() => end.abort(), AFTER_DEATH_MS).unref();
  });
  return w;
}

/**
 * The target's recorder. Closed model: with the coordinated-omission correction (see
 * harness/analysis/correction.ts), or without one while its expected interval is unknown.
 */
function newRecorder(o: LabOptions, name: string, correction: CorrectionInfo | null): Recorder {
  const { profile } = o.profile;
  return new Recorder({
    ...recorderSpec(o, correction),
    latencyBasis: profile.model === 'open' ? 'intended' : 'sent',
    onInterval: (row) => o.events?.interval?.({ name, row, stageCount: profile.stages.length, duration: profile.duration }),
  });
}

/** The recorder's windows and correction, which the `--generators` threads' recorders share. */
function recorderSpec(o: LabOptions, correction: CorrectionInfo | null) {
  const { profile } = o.profile;
  const ms = correction?.expectedIntervalMs ?? null;
  return { windows: stageWindows(profile), duration: Math.ceil(profile.duration), expectedIntervalUs: ms === null ? null : Math.max(1, Math.round(ms * 1000)) };
}

/**
 * The correction's service time: the lab's own mean for a target it started; for a `--url`
 * server, whose service time it does not know, the warm-up's measured mean latency, or none.
 */
function correctionOf(o: LabOptions, target: FoundTarget | ExternalTarget, warmMeanMs: number | null): CorrectionInfo | null {
  const { profile } = o.profile;
  if (profile.model !== 'closed') return null;
  if (!isExternal(target)) return correctionFor(profile.wait, LAB_SERVICE_TIME.meanMs, 'service-time');
  return correctionFor(profile.wait, warmMeanMs, warmMeanMs === null ? 'none' : 'warm-up');
}

/**
 * Warm-up (not recorded), then the profile with saturation sampling; the target is always
 * stopped. The recorder is made after the warm-up, which a `--url` server's correction needs.
 */
async function driveAndStop(o: LabOptions, target: FoundTarget | ExternalTarget, started: AttachedTarget, entry: TargetEntry, w: Watch): Promise<{ reached: number; saturation: SaturationRow[] | undefined; recorder: Recorder; locust: LocustDriven | null; threads: { file: GeneratorThreadsFile; error: string | null } | null }> {
  const { profile } = o.profile;
  const signal = w.end.signal;
  let recorder = newRecorder(o, entry.name, null);
  let reached = 0;
  let sampler: SaturationSampler | undefined;
  let saturation: SaturationRow[] | undefined;
  let locust: LocustDriven | null = null;
  let threads: { file: GeneratorThreadsFile; error: string | null } | null = null;
  const startSampler = (at: number) => {
    if (started.pid !== null) sampler = startSaturation({ pid: started.pid, origin: started.url, startedAt: at, eld: entry.runtime === undefined || entry.runtime === 'node', onRow: (row) => o.events?.saturation?.({ name: entry.name, row }) });
  };
  try {
    assertLoopbackUrl(started.url, o.allowRemote ?? false);
    const warm = await warmUp({ origin: started.url, seconds: profile.warmupSeconds, timeoutMs: profile.timeoutMs, signal });
    const correction = correctionOf(o, target, warm.meanMs);
    if (correction) entry.correction = correction;
    recorder = newRecorder(o, entry.name, correction);
    if (entry.driver?.engine === 'locust') {
      // The profile's t = 0 is when the Locust master's shape starts, once its workers are in.
      if (!signal.aborted) locust = await driveWithLocust(o, started.url, entry, recorder, signal, (ms) => { w.profileStart = ms; startSampler(ms); });
      reached = locust?.reached ?? 0;
    } else if ((o.generators ?? 1) > 1) {
      const d = await driveThreads({ origin: started.url, profile, seed: o.seed, signal, generators: o.generators!, recorder, ...recorderSpec(o, correction), onStart: (ms) => { w.profileStart = ms; startSampler(ms); } });
      threads = { file: d.file, error: d.error };
      if (d.open) {
        entry.openDrive = { ...openDriveEntry(d.open), ...(d.preconnected !== null ? { preconnected: d.preconnected } : {}) };
      }
      reached = d.reached;
    } else {
      // An open drive's connections open before its clock: opened as arrivals came, a fast
      // target's first second measured the lab opening them (harness/drive/preconnect.ts).
      const pre = profile.model === 'open' ? await preconnectedPool({ origin: started.url, maxInFlight: profile.maxInFlight, timeoutMs: profile.timeoutMs, signal }) : undefined;
      if (!signal.aborted) w.profileStart = Date.now();
      if (w.profileStart) startSampler(w.profileStart);
      const onTick = (t: number) => recorder.advance(t);
      if (profile.model === 'closed') await driveClosed({ origin: started.url, profile, recorder, seed: o.seed, signal, onTick });
      else {
        const stats = await driveOpen({ origin: started.url, profile, recorder, seed: o.seed, signal, onTick, ...(pre ? { pool: pre.pool } : {}) });
        entry.openDrive = { ...openDriveEntry(stats), ...(pre ? { preconnected: pre.open } : {}) };
      }
      reached = w.profileStart === 0 ? 0 : (Date.now() - w.profileStart) / 1000;
    }
  } finally {
    w.stopping = true;
    w.dispose();
    saturation = await sampler?.stop();
    if (locust) saturation = withWorkerCpu(saturation, locust.genCpuPct);
    const survivors = await started.stop();
    if (survivors.length > 0) o.events?.warning?.(`target ${entry.name}: could not stop ${survivors.map((p) => `${p.pid} (${p.command})`).join(', ')}`);
    if (started.pid !== null) o.events?.stopped?.(started.pid);
  }
  return { reached, saturation, recorder, locust, threads };
}

/** CPU the driver spent: the Locust workers' own clocks, or the lab process's per-second samples. */
function generatorCost(rows: SaturationRow[], result: RecorderResult, locust: LocustDriven | null): { cpuSeconds: number | null; cpuPerRequestMs: number | null } {
  const samples = rows.map((r) => r.genCpuPct).filter((v): v is number => v !== null);
  const cpuSeconds = locust ? locust.cpuSeconds : samples.length ? Math.round(samples.reduce((a, b) => a + b, 0) * 10) / 1000 : null;
  const requests = result.rows.reduce((n, r) => n + r.requests, 0);
  return { cpuSeconds, cpuPerRequestMs: cpuSeconds === null || requests === 0 ? null : Math.round((cpuSeconds / requests) * 1e6) / 1000 };
}

/** A drive that ended early keeps only the stages it reached: a stage never run was not measured. */
function finishRecording(recorder: Recorder, profile: Profile, endedEarly: boolean, reached: number): RecorderResult {
  const result = endedEarly ? recorder.finish(reached) : recorder.finish();
  if (endedEarly) result.stages = result.stages.filter((s) => s.at < reached);
  if (profile.model === 'open') for (const s of result.stages) s.offered = meanScheduledRate(profile, s.steadyFrom, s.end);
  return result;
}

/** The target's state and one-line error: died (with when and how), interrupted, or ok. */
function settle(failures: FailuresFile, result: RecorderResult, r: { name: string; watch: Watch; interrupted: boolean; reached: number; duration: number }): void {
  failures.errors = result.errors;
  failures.samples = result.samples;
  if (failures.diedAt !== null) {
    failures.state = 'failed';
    failures.error = `target ${r.name} died at ${failures.diedAt} s (${r.watch.died})`;
  } else if (r.interrupted) {
    failures.state = 'interrupted';
    failures.error = r.watch.profileStart === 0 ? 'interrupted during warm-up' : `interrupted at ${Math.round(r.reached * 10) / 10} s of ${r.duration} s`;
  }
}

function emptyResult(profile: Profile): RecorderResult {
  return new Recorder({ windows: stageWindows(profile), duration: 0, expectedIntervalUs: null }).finish();
}

/** What the run folder keeps of an open drive (one generator or several added up), lags to 0.01 ms. */
function openDriveEntry(d: OpenDriveStats): NonNullable<TargetEntry['openDrive']> {
  const { scheduled, launched, dropped, droppedAtCap, droppedLate, waited, maxWaitMs, maxLagMs } = d;
  return { scheduled, launched, dropped, droppedAtCap, droppedLate, waited, maxWaitMs: Math.round(maxWaitMs * 100) / 100, maxLagMs: Math.round(maxLagMs * 100) / 100 };
}
