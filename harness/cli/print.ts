import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunManifest, StageStats, Summary, ThresholdOutcome } from '../results/format.ts';
import { RESULTS_ROOT } from '../results/write.ts';
import { writeReport } from '../../reports/render.ts';
import { writeIndex } from '../../reports/index.ts';
import { formatResults, type StagesByTarget } from './results-table.ts';
import { formatSpread } from './spread-table.ts';
import { formatValidity } from './validity-table.ts';
import { EXIT_THRESHOLD, formatThresholds } from './threshold-table.ts';
import { formatCrossChecks } from './cross-check-table.ts';
import { formatDrops } from './drops-table.ts';

/** Each target's stages.json as written; one that cannot be read or parsed is an Error, not an empty table. */
export async function readStages(runDir: string, manifest: RunManifest): Promise<StagesByTarget> {
  const byTarget: StagesByTarget = new Map();
  for (const t of manifest.targets) {
    const file = path.join(runDir, t.dir, 'stages.json');
    try {
      const stages: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (!Array.isArray(stages)) throw new Error(`expected a list of stages, got ${typeof stages}`);
      byTarget.set(t.name, stages as StageStats[]);
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      byTarget.set(t.name, new Error(`${path.relative(process.cwd(), file) || file} unreadable: ${why}`));
    }
  }
  return byTarget;
}

/**
 * The end of a profile run: the table, saturation warnings, the thresholds, the report, and the
 * exit code (runExitCode).
 */
export async function printProfileRun(o: { runDir: string; manifest: RunManifest; summary: Summary; repeat: number; unit: 'users' | 'req/s' }): Promise<number> {
  const stages = await readStages(o.runDir, o.manifest);
  console.log(`\n${o.repeat > 1 ? formatSpread(o.summary, o.unit) : formatResults(o.summary, stages, o.unit, new Set(o.manifest.targets.filter((t) => t.url).map((t) => t.name)))}\n`);
  const drops = formatDrops(o.manifest);
  if (drops) console.log(`${drops}\n`);
  const cross = formatCrossChecks(o.manifest, stages);
  if (cross) console.log(`${cross}\n`);
  const unreadable = [...stages.values()].filter((s): s is Error => s instanceof Error);
  for (const e of unreadable) console.error(`loadlab: ${e.message}`);
  for (const t of o.manifest.targets) {
    if (t.generator?.saturated) console.log(`WARNING ${t.dir}: latency figures suspect — ${t.generator.reason}`);
  }
  console.log(`${formatValidity(o.summary)}\n`);
  const thresholds = o.summary.thresholds ?? [];
  if (thresholds.length) console.log(`${formatThresholds(thresholds)}\n`);
  const reportPath = await writeReportSafely(o.runDir);
  console.log(`run folder: ${o.runDir}${reportPath ? `\nreport:     ${reportPath}` : ''}`);
  if (!o.manifest.complete) console.log('run INCOMPLETE: interrupted; the results above cover what finished.');
  // A skipped target (a requirement not installed) is listed with its install line, not a failure.
  const targetFailed = o.manifest.targets.some((t) => t.state !== 'ok' && t.state !== 'skipped') || unreadable.length > 0;
  return runExitCode({ complete: o.manifest.complete, targetFailed, thresholds });
}

/**
 * A profile run's exit code, the first that applies: 130 interrupted, 1 a target failed (or its
 * results cannot be read back), 3 a threshold failed, else 0. (2, bad input, exits before any run.)
 */
export function runExitCode(o: { complete: boolean; targetFailed: boolean; thresholds: readonly Pick<ThresholdOutcome, 'status'>[] }): number {
  if (!o.complete) return 130;
  if (o.targetFailed) return 1;
  return o.thresholds.some((t) => t.status === 'fail') ? EXIT_THRESHOLD : 0;
}

/** The results are safe on disk already; a report that fails to render is reported, not fatal. */
export async function writeReportSafely(runDir: string): Promise<string | null> {
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
