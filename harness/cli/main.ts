import { parseLabArgs, USAGE, type LabFlags } from './args.ts';
import { progressReporter } from './progress.ts';
import { prepareRunDir } from '../results/write.ts';
import { checkOpenFileLimit } from '../drive/fd-limit.ts';
import { driverLabel, runLab } from '../run/lab.ts';
import { refuseOpen } from '../drive/locust/locustfile.ts';
import { findLocust, type LocustFound } from '../input/locust.ts';
import { writeBundle } from '../drive/locust/bundle.ts';
import { machineInfo } from '../results/machine.ts';
import path from 'node:path';
import { installCleanup, type Cleanup } from './cleanup.ts';
import { listText } from './list.ts';
import { runModes } from './modes.ts';
import { printProfileRun, writeReportSafely } from './print.ts';
import { resolveRunInput, type RunInput } from './resolve.ts';
import { allEvents, finishLive, liveView } from './live.ts';
import { writeJunit } from './junit.ts';
import { runCli } from './exit.ts';

/** `npm run lab`: parse → resolve (all input checked, nothing written) → claim the run folder → signals → run → print. */
async function main(argv: string[]): Promise<number> {
  const flags = parseLabArgs(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.list) {
    console.log(await listText());
    return 0;
  }
  const input = await resolveRunInput(flags);
  if (flags.export && input.kind === 'profile') return exportLocust(flags, input, flags.export.dir);
  if (input.kind === 'profile') checkOpenFileLimit(input.profile.profile);
  // Locust, and a profile it can run, are checked before a folder is made.
  if (input.kind === 'profile' && flags.driver.includes('locust')) refuseOpen(input.profile.profile);
  const locust = flags.driver.includes('locust') ? await findLocust() : undefined;
  const runDir = await prepareRunDir({ out: flags.out, force: flags.force, profile: input.folderSuffix, now: new Date() });
  const cleanup = installCleanup();
  return input.kind === 'modes' ? runModesRun(flags, input, runDir, cleanup) : runProfileRun(flags, input, runDir, cleanup, locust);
}

/** `--export locust DIR`: the bundle for other machines; nothing is run. */
async function exportLocust(flags: LabFlags, input: Extract<RunInput, { kind: 'profile' }>, dir: string): Promise<number> {
  const target = flags.url === undefined ? null : (input.targets[0] as { url: string }).url;
  const b = await writeBundle({ dir: path.resolve(dir), profile: input.profile.profile, profileSource: input.profile.source, workers: flags.workers ?? 1, target, gitCommit: (await machineInfo()).gitCommit, now: new Date() });
  console.log(`Locust bundle of profile ${b.profile.name} (${b.workers} worker${b.workers === 1 ? '' : 's'}) written to ${dir}`);
  console.log(`  master: MASTER_HOST=<its address>${target ? '' : ' TARGET=http://<server>:<port>'} ${path.join(dir, 'master.sh')}`);
  console.log(`  worker: MASTER_HOST=<the master's address> ${path.join(dir, 'worker.sh')}   (on each of ${b.workers} machine(s))`);
  console.log(`  then copy every logs/ file back into ${path.join(dir, 'logs')} and run: npm run import -- ${dir}   (README.md says which, and the clock caveat)`);
  return 0;
}

async function runModesRun(flags: LabFlags, input: Extract<RunInput, { kind: 'modes' }>, runDir: string, cleanup: Cleanup): Promise<number> {
  const code = await runModes({ flags, targets: input.targets, runDir, signal: cleanup.signal, spawned: cleanup.spawned, stopped: cleanup.stopped });
  const reportPath = await writeReportSafely(runDir);
  if (reportPath) console.log(`report:     ${reportPath}`);
  return code;
}

async function runProfileRun(flags: LabFlags, input: Extract<RunInput, { kind: 'profile' }>, runDir: string, cleanup: Cleanup, locust: LocustFound | undefined): Promise<number> {
  const p = input.profile.profile;
  const reps = flags.repeat > 1 ? `, ${flags.repeat} repeats interleaved` : '';
  console.log(`loadlab: ${input.targets.length} target(s) × profile ${p.name} (${p.model}, ${p.duration} s), work ${flags.work}, seed ${flags.seed}${reps}, driver ${driverLabel(flags.driver, flags.workers ?? 1)}${flags.generators > 1 ? ` in ${flags.generators} threads` : ''}`);
  console.log(`results: ${runDir}\n`);
  const live = await liveView(flags, input.profile, runDir, cleanup);
  const progress = progressReporter(process.stdout, Boolean(process.stdout.isTTY));
  const events = { ...progress, spawned: cleanup.spawned, stopped: cleanup.stopped, warning: (text: string) => console.error(`WARNING ${text}`) };
  const { manifest, summary } = await runLab({
    targets: input.targets, profile: input.profile, work: flags.work, seed: flags.seed, size: flags.size, runDir, signal: cleanup.signal,
    allowRemote: flags['allow-remote'], repeat: flags.repeat, thresholds: input.thresholds, drivers: flags.driver, workers: flags.workers ?? 1, generators: flags.generators, ...(locust ? { locust } : {}), events: live ? allEvents(events, live.events) : events,
  });
  const code = await printProfileRun({ runDir, manifest, summary, repeat: flags.repeat, unit: p.model === 'open' ? 'req/s' : 'users' });
  if (flags.junit !== undefined) console.log(`junit:      ${await writeJunit(flags.junit, summary, manifest)}`);
  if (live) await finishLive(live, { runDir, complete: manifest.complete, signal: cleanup.signal });
  return code;
}

runCli(main);
