import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { closedProfileSchema } from '../../profiles/lib/define.ts';
import { LabError, zodMessage } from '../errors.ts';
import { stageWindows } from '../analysis/schedule.ts';
import { withSeconds } from '../analysis/verdict.ts';
import type { BundleFile } from '../drive/locust/bundle.ts';
import { readLogs } from '../drive/locust/run.ts';
import { usersFromHistory } from '../drive/locust/stats-history.ts';
import { mergeWorkerLogs } from '../record/locust-merge.ts';
import { Recorder } from '../record/recorder.ts';
import { judgeGenerator } from '../record/saturation/compute.ts';
import { writeSaturation } from '../record/saturation/sampler.ts';
import { buildManifest } from '../results/manifest.ts';
import { RESULTS_SCHEMA_VERSION, type FailuresFile, type Summary } from '../results/format.ts';
import { safeDirName, writeManifest, writeSummary, writeTargetResults } from '../results/write.ts';
import type { LabResult } from './lab.ts';
import { summarize } from './lab.ts';
import { withWorkerCpu } from './locust-drive.ts';


async function readBundle(dir: string): Promise<BundleFile> {
  const file = path.join(dir, 'bundle.json');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new LabError('BAD_INPUT', `import: ${file} not found: expected a folder written by npm run lab -- --export locust DIR`);
  let b: BundleFile;
  try {
    b = JSON.parse(text) as BundleFile;
  } catch (err) {
    throw new LabError('BAD_INPUT', `import: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (b?.kind !== 'loadlab-locust-bundle' || b.version !== 1) throw new LabError('BAD_INPUT', `import: ${file}: expected a loadlab Locust bundle (version 1), got kind ${JSON.stringify(b?.kind)} version ${JSON.stringify(b?.version)}`);
  const parsed = closedProfileSchema.safeParse(b.profile);
  if (!parsed.success) throw new LabError('BAD_INPUT', zodMessage(`import: ${file} profile`, parsed.error, b.profile));
  return { ...b, profile: parsed.data };
}

/**
 * `npm run import -- DIR`: the logs copied back from a bundle's master and workers become a normal
 * run folder, through the same merge as `--driver locust` (harness/record/locust-merge.ts).
 */
export async function importBundle(o: { bundleDir: string; runDir: string; warn?: (line: string) => void }): Promise<LabResult> {
  const b = await readBundle(o.bundleDir);
  const logsDir = path.join(o.bundleDir, 'logs');
  const startText = (await readFile(path.join(logsDir, 'profile-start.txt'), 'utf8').catch(() => '')).trim();
  const startUs = Number(startText);
  if (startText === '' || !Number.isSafeInteger(startUs)) throw new LabError('BAD_INPUT', `import: ${path.join(logsDir, 'profile-start.txt')} missing or unreadable: copy it from the master's logs/`);
  const logs = await readLogs(logsDir).catch(() => []);
  if (logs.length === 0) throw new LabError('BAD_INPUT', `import: no requests-*.log in ${logsDir}: copy them from every worker's logs/`);
  const profile = b.profile;
  const name = b.target ? new URL(b.target).host : 'locust-target';
  const manifest = await buildManifest({
    runDir: o.runDir, work: 'unknown', seed: 0, profile, profileSource: b.profileSource, serviceTime: null, workModel: null, startedAt: new Date(startUs / 1000),
    targets: [{ name, description: b.target ?? 'the server the bundle was run against', concurrency: 0, size: 0, dir: safeDirName(name), ...(b.target ? { url: b.target } : {}) }],
  });
  manifest.connection = profile.connection;
  manifest.driver = `locust, ${logs.length} worker${logs.length === 1 ? '' : 's'} (imported)`;
  const entry = manifest.targets[0]!;
  const dir = path.join(o.runDir, entry.dir);

  const recorder = new Recorder({ windows: stageWindows(profile), duration: Math.ceil(profile.duration), expectedIntervalUs: null });
  const history = await readFile(path.join(logsDir, 'locust_stats_history.csv'), 'utf8').catch(() => '');
  const liveUsers = usersFromHistory(history, startUs, Math.ceil(profile.duration));
  const merged = mergeWorkerLogs({ logs, startUs, stages: profile.stages, duration: profile.duration, timeoutMs: profile.timeoutMs, recorder, liveUsers });
  const result = recorder.finish();
  const failures: FailuresFile = { state: 'ok', error: null, diedAt: null, exitCode: null, errors: result.errors, samples: result.samples };
  await writeTargetResults(dir, result, failures);
  const saturation = withWorkerCpu(undefined, merged.genCpuPct);
  await writeSaturation(dir, saturation);
  const cpus = merged.workers.map((w) => w.cpuSeconds).filter((v): v is number => v !== null);
  const cpuSeconds = cpus.length ? Math.round(cpus.reduce((a, c) => a + c, 0) * 1000) / 1000 : null;
  const requests = result.rows.reduce((n, r) => n + r.requests, 0);
  entry.generator = { ...judgeGenerator(saturation), cpuSeconds, cpuPerRequestMs: cpuSeconds === null || requests === 0 ? null : Math.round((cpuSeconds / requests) * 1e6) / 1000 };
  entry.correction = { expectedIntervalMs: null, serviceMs: null, source: 'none' };
  entry.state = 'ok';
  entry.error = null;
  entry.driver = { engine: 'locust', workers: logs.length, version: null, workerShares: merged.workers, outOfRun: merged.outOfRun, cpuWarnings: [], importedFrom: path.resolve(o.bundleDir) };
  if (merged.outOfRun > 0) o.warn?.(`${merged.outOfRun} request(s) started outside the profile's time: are the workers' clocks in step with the master's? (see the bundle's README, "Clocks")`);

  // The bundle and the raw logs travel with the run folder, as a --driver locust run keeps them.
  const keep = path.join(dir, 'locust');
  await readdir(logsDir).then(async (names) => {

    await mkdir(keep, { recursive: true });
    for (const n of names) await copyFile(path.join(logsDir, n), path.join(keep, n));
    for (const n of ['locustfile.py', 'bundle.json', 'README.md']) await copyFile(path.join(o.bundleDir, n), path.join(keep, n)).catch(() => {});
  });

  const summary: Summary = { schemaVersion: RESULTS_SCHEMA_VERSION, runId: manifest.runId, profile: profile.name, work: manifest.work, targets: [summarize(entry, withSeconds(result.stages, result.rows), 'users', profile)] };
  manifest.complete = true;
  manifest.finishedAt = new Date(startUs / 1000 + profile.duration * 1000).toISOString();
  await writeManifest(o.runDir, manifest);
  await writeSummary(o.runDir, summary);
  return { runDir: o.runDir, manifest, summary };
}
