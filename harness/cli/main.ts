import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseLabArgs, USAGE } from './args.ts';
import { discoverProfiles, discoverTargets, resolveProfile, resolveTargets } from '../input/discover.ts';
import { LabError } from '../errors.ts';
import { externalTarget } from '../spawn/external.ts';
import { progressReporter } from './progress.ts';
import { prepareRunDir, RESULTS_ROOT } from '../results/write.ts';
import type { StageStats } from '../results/format.ts';
import { concurrencyOf, runLab } from '../run/lab.ts';
import { killTreeSync } from '../spawn/start-target.ts';
import { modeName, runModes } from './modes.ts';
import { formatSpread } from './spread-table.ts';
import { formatResults } from './results-table.ts';
import { writeReport } from '../../reports/render.ts';
import { writeIndex } from '../../reports/index.ts';

/** After the first Ctrl-C, the longest the lab may take to save and leave. */
const STOP_DEADLINE_MS = 20_000;

async function list(): Promise<void> {
  const targets = await discoverTargets();
  const profiles = await discoverProfiles();
  console.log('Targets (targets/*.ts):');
  for (const t of targets) console.log(`  ${t.definition.name.padEnd(18)} concurrency ${String(concurrencyOf(t, undefined).concurrency).padEnd(3)} ${t.definition.description}`);
  console.log('\nProfiles (profiles/*.ts):');
  for (const p of profiles) console.log(`  ${p.profile.name.padEnd(18)} ${p.profile.model.padEnd(6)} ${String(p.profile.duration).padStart(4)} s  ${p.profile.description}`);
}

async function main(argv: string[]): Promise<number> {
  const flags = parseLabArgs(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.list) {
    await list();
    return 0;
  }
  const found = await resolveProfile(flags.profile);
  const timeoutMs = flags['timeout-ms'];
  const profile = timeoutMs === undefined ? found : { ...found, profile: { ...found.profile, timeoutMs } };
  const targets = flags.url !== undefined ? [externalTarget(flags.url, flags['allow-remote'])] : await resolveTargets(flags.targets);
  const runDir = await prepareRunDir({ out: flags.out, force: flags.force, profile: modeName(flags) ?? profile.profile.name, now: new Date() });

  // First Ctrl-C: stop the load, stop the targets, keep what was measured. Second: leave now.
  const abort = new AbortController();
  const live = new Set<number>();
  const killAll = () => {
    for (const pid of live) killTreeSync(pid);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      killAll();
      process.exit(130);
    }
    process.stderr.write(`\n${sig}: stopping — targets are being stopped and results so far saved (again to quit now)\n`);
    abort.abort();
    // Saving is bounded too: a stuck write or report must not keep the lab (or a target) alive.
    setTimeout(() => {
      process.stderr.write(`loadlab: still stopping after ${STOP_DEADLINE_MS / 1000} s; quitting\n`);
      killAll();
      process.exit(130);
    }, STOP_DEADLINE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
  // A harness bug gets the same cleanup: no server outlives the lab, and the exit code says it failed.
  const crash = (err: unknown) => {
    killAll();
    console.error(`loadlab: internal error; targets killed, run left incomplete: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  if (modeName(flags)) {
    // --url is refused with these modes (args.ts), so the targets are always the lab's own.
    const code = await runModes({ flags, targets: await resolveTargets(flags.targets), runDir, signal: abort.signal, spawned: (pid) => live.add(pid), stopped: (pid) => live.delete(pid) });
    const reportPath = await writeReportSafely(runDir);
    if (reportPath) console.log(`report:     ${reportPath}`);
    return code;
  }

  const p = profile.profile;
  const reps = flags.repeat > 1 ? `, ${flags.repeat} repeats interleaved` : '';
  console.log(`loadlab: ${targets.length} target(s) × profile ${p.name} (${p.model}, ${p.duration} s), work ${flags.work}, seed ${flags.seed}${reps}`);
  console.log(`results: ${runDir}\n`);
  const progress = progressReporter(process.stdout, Boolean(process.stdout.isTTY));
  const { manifest, summary } = await runLab({
    targets, profile, work: flags.work, seed: flags.seed, size: flags.size, runDir, signal: abort.signal, allowRemote: flags['allow-remote'], repeat: flags.repeat,
    events: { ...progress, spawned: (pid) => live.add(pid), stopped: (pid) => live.delete(pid) },
  });

  const stagesByTarget = new Map<string, StageStats[]>();
  for (const t of manifest.targets) {
    const text = await readFile(path.join(runDir, t.dir, 'stages.json'), 'utf8').catch(() => '[]');
    stagesByTarget.set(t.name, JSON.parse(text) as StageStats[]);
  }
  const unit = p.model === 'open' ? 'req/s' : 'users';
  console.log(`\n${flags.repeat > 1 ? formatSpread(summary, unit) : formatResults(summary, stagesByTarget, unit)}\n`);
  for (const t of manifest.targets) {
    if (t.generator?.saturated) console.log(`WARNING ${t.dir}: latency figures suspect — ${t.generator.reason}`);
  }
  const reportPath = await writeReportSafely(runDir);
  console.log(`run folder: ${runDir}${reportPath ? `\nreport:     ${reportPath}` : ''}`);
  if (!manifest.complete) {
    console.log('run INCOMPLETE: interrupted; the results above cover what finished.');
    return 130;
  }
  return manifest.targets.some((t) => t.state !== 'ok') ? 1 : 0;
}

/** The results are safe on disk already; a report that fails to render is reported, not fatal. */
async function writeReportSafely(runDir: string): Promise<string | null> {
  try {
    const report = await writeReport(runDir);
    // Runs in the default results folder are listed in results/index.html, newest first.
    if (path.dirname(runDir) === RESULTS_ROOT) await writeIndex(RESULTS_ROOT);
    return report;
  } catch (err) {
    console.error(`report: not written: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof LabError && err.code === 'BAD_INPUT') {
      console.error(`loadlab: ${err.message}`);
      process.exit(2);
    }
    console.error(`loadlab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
