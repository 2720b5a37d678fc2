import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usersFromHistory } from '../drive/locust/stats-history.ts';
import { refuseOpen } from '../drive/locust/locustfile.ts';
import { runLocust } from '../drive/locust/run.ts';
import { mergeWorkerLogs } from '../record/locust-merge.ts';
import type { Recorder } from '../record/recorder.ts';
import type { SaturationRow, TargetEntry } from '../results/format.ts';
import type { LabOptions } from './lab.ts';

export interface LocustDriven {
  /** Seconds of the profile run. */
  reached: number;
  /** Per profile second: the busiest worker's CPU (% of one core). */
  genCpuPct: (number | null)[];
  /** CPU of all workers together over the profile (s). */
  cpuSeconds: number | null;
  /** One line when Locust did not run as planned. */
  error: string | null;
}

/**
 * Drive one target with Locust (master + `workers` workers on loopback), then merge every
 * worker's request log into `recorder`: the same histograms as the built-in driver's, from the
 * exact latencies. The run's files go to `<target>/locust/`; what it was is noted in `entry.driver`.
 */
export async function driveWithLocust(o: LabOptions, origin: string, entry: TargetEntry, recorder: Recorder, signal: AbortSignal, onStart: (epochMs: number) => void): Promise<LocustDriven> {
  const { profile } = o.profile;
  refuseOpen(profile);
  if (!o.locust) throw new Error('driveWithLocust: Locust was not looked for (findLocust) before the run');
  const run = await runLocust({
    origin, profile, workers: entry.driver?.workers ?? 1, python: o.locust.python, dir: path.join(o.runDir, entry.dir, 'locust'), signal, onStart,
    spawned: (pid) => o.events?.spawned?.(pid), stopped: (pid) => o.events?.stopped?.(pid),
  });
  for (const s of run.survivors) o.events?.warning?.(`Locust ${entry.name}: could not stop ${s.pid} (${s.command})`);
  const history = await readFile(path.join(o.runDir, entry.dir, 'locust', 'locust_stats_history.csv'), 'utf8').catch(() => '');
  const merged = run.startUs === null ? null
    : mergeWorkerLogs({ logs: run.logs, startUs: run.startUs, stages: profile.stages, duration: profile.duration, timeoutMs: profile.timeoutMs, recorder, liveUsers: usersFromHistory(history, run.startUs, Math.ceil(profile.duration)) });
  entry.driver = {
    engine: 'locust', workers: entry.driver?.workers ?? 1, version: o.locust.version,
    workerShares: merged?.workers ?? [], outOfRun: merged?.outOfRun ?? 0, cpuWarnings: run.cpuWarnings,
  };
  for (const w of run.cpuWarnings) o.events?.warning?.(`Locust ${entry.name}: ${w}`);
  if (merged && merged.outOfRun > 0) o.events?.warning?.(`Locust ${entry.name}: ${merged.outOfRun} request(s) started outside the profile's time: are the workers' clocks in step?`);
  const cpus = merged?.workers.map((w) => w.cpuSeconds).filter((v): v is number => v !== null) ?? [];
  return { reached: run.reached, genCpuPct: merged?.genCpuPct ?? [], cpuSeconds: cpus.length ? Math.round(cpus.reduce((a, b) => a + b, 0) * 1000) / 1000 : null, error: run.error };
}

/** Saturation rows with the generator columns taken from the Locust workers (the lab process only waited). */
export function withWorkerCpu(rows: SaturationRow[] | undefined, genCpuPct: readonly (number | null)[]): SaturationRow[] {
  const base = rows ?? genCpuPct.map((_, t) => ({ t, cpuPct: null, rssMb: null, eldP99Ms: null, genCpuPct: null, genRssMb: null, genEldP99Ms: null }));
  return base.map((r) => ({ ...r, genCpuPct: genCpuPct[r.t] ?? null, genRssMb: null, genEldP99Ms: null }));
}
