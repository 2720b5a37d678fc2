import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ClosedProfile } from '../../../profiles/lib/define.ts';
import { freePort } from '../../spawn/start-target.ts';
import { spawnWatched, type Survivor, type WatchedProcess } from '../../spawn/watched.ts';
import { generateLocustfile } from './locustfile.ts';
import { parseRequestLog, type WorkerLog } from './request-log.ts';
import { locustArgv } from './commands.ts';

/** How long the workers get to connect and the master to start the shape. */
const START_TIMEOUT_MS = 60_000;
/** SIGTERM → SIGKILL grace: a Locust master on SIGTERM stops its workers and writes its CSVs. */
const STOP_GRACE_MS = 5000;
const POLL_MS = 100;

export interface LocustRunOptions {
  origin: string;
  profile: ClosedProfile;
  workers: number;
  /** The interpreter that imports locust (harness/input/requires.ts finds it). */
  python: string;
  /** Folder of the locustfile, the logs and Locust's CSVs (created). */
  dir: string;
  signal: AbortSignal;
  /** The master's shape started: epoch ms of the profile's t = 0. */
  onStart?: (epochMs: number) => void;
  spawned?: (pid: number) => void;
  stopped?: (pid: number) => void;
}

export interface LocustRunResult {
  /** Epoch µs of the profile's t = 0 (the master's shape start); null if it never started. */
  startUs: number | null;
  /** Seconds of the profile run, the whole duration unless it was cut short. */
  reached: number;
  logs: WorkerLog[];
  /** One line when the run did not end as planned (a process died, the workers never connected). */
  error: string | null;
  /** Lines where Locust itself warned about its CPU. */
  cpuWarnings: string[];
  survivors: Survivor[];
}

const readStart = async (dir: string): Promise<number | null> => {
  const text = await readFile(path.join(dir, 'profile-start.txt'), 'utf8').catch(() => '');
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isSafeInteger(n) ? n : null;
};

function launch(argv: string[], dir: string, log: string): WatchedProcess {
  const logFile = path.join(dir, log);
  const fd = openSync(logFile, 'a');
  const w = spawnWatched({ argv, cwd: dir, env: { ...process.env, LOADLAB_LOG_DIR: dir, PYTHONUNBUFFERED: '1' }, logFd: fd, logFile });
  closeSync(fd);
  return w;
}

/**
 * Run a closed profile on Locust: a headless master expecting `workers` workers, all on loopback,
 * each under the lab's watchdog (no orphans if the lab dies). Resolves once all have exited; on
 * abort the master is stopped first (it stops its workers and writes its CSVs), then the rest.
 */
export async function runLocust(o: LocustRunOptions): Promise<LocustRunResult> {
  mkdirSync(o.dir, { recursive: true });
  await writeFile(path.join(o.dir, 'locustfile.py'), generateLocustfile(o.profile));
  const port = await freePort();
  const argv = locustArgv({ python: o.python, locustfile: 'locustfile.py', origin: o.origin, workers: o.workers, port, csv: 'locust', stopTimeoutS: Math.ceil(Math.min(o.profile.timeoutMs, 10_000) / 1000) });
  const master = launch(argv.master, o.dir, 'master.log');
  const procs = [master, ...Array.from({ length: o.workers }, (_, i) => launch(argv.worker, o.dir, `worker-${i + 1}.log`))];
  const pids = await Promise.all(procs.map((p) => p.pid.catch(() => null)));
  for (const pid of pids) if (pid !== null) o.spawned?.(pid);

  let error: string | null = null;
  let startUs: number | null = null;
  let ended = false;
  void master.exited.then(() => { ended = true; });
  const begun = Date.now();
  const deadline = () => (startUs === null ? begun + START_TIMEOUT_MS : startUs / 1000 + (o.profile.duration + 30) * 1000 + STOP_GRACE_MS);
  while (!ended && !o.signal.aborted && Date.now() < deadline()) {
    await Promise.race([delay(POLL_MS), master.exited]);
    if (startUs === null) {
      startUs = await readStart(o.dir);
      if (startUs !== null) o.onStart?.(startUs / 1000);
    }
  }
  startUs ??= await readStart(o.dir);
  if (!ended && !o.signal.aborted) error = startUs === null ? `Locust did not start the profile within ${START_TIMEOUT_MS / 1000} s (workers not connected? see master.log)` : 'Locust did not finish in time';
  const stopMaster = await master.stop(STOP_GRACE_MS);
  const survivors = [...stopMaster, ...(await Promise.all(procs.slice(1).map((p) => p.stop(STOP_GRACE_MS)))).flat()];
  for (const pid of pids) if (pid !== null) o.stopped?.(pid);
  const exit = await master.exited;
  if (error === null && !o.signal.aborted && exit.code !== 0) error = `Locust master exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} (see master.log)`;
  const reached = startUs === null ? 0 : Math.min(o.profile.duration, (Date.now() - startUs / 1000) / 1000);
  return { startUs, reached: ended && error === null && !o.signal.aborted ? o.profile.duration : reached, logs: await readLogs(o.dir), error, cpuWarnings: await cpuWarnings(o.dir, o.workers), survivors };
}

/** Every worker's request log in `dir` (requests-<host>-<pid>.log), in name order. */
export async function readLogs(dir: string): Promise<WorkerLog[]> {
  const names = (await readdir(dir)).filter((n) => /^requests-.*\.log$/.test(n)).sort();
  return Promise.all(names.map(async (n) => parseRequestLog(n, await readFile(path.join(dir, n), 'utf8'))));
}

/** Locust logs "CPU usage above 90%! …" when a process is the bottleneck. */
async function cpuWarnings(dir: string, workers: number): Promise<string[]> {
  const files = ['master.log', ...Array.from({ length: workers }, (_, i) => `worker-${i + 1}.log`)];
  const out: string[] = [];
  for (const f of files) {
    const text = await readFile(path.join(dir, f), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (/CPU usage/i.test(line)) out.push(`${f}: ${line.replace(/^\[[^\]]*\]\s*/, '').trim()}`);
  }
  return out;
}
