import { stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import { LabError } from '../errors.ts';
import { claimNewDir, claimRunDir, ensureWritableDir } from './outdir.ts';
import { ROOT } from '../paths.ts';
import type { RecorderResult } from '../record/recorder.ts';
import type { FailuresFile, IntervalRow, RunManifest, Summary } from './format.ts';
import { ERROR_KINDS } from './format.ts';

export const RESULTS_ROOT = path.join(ROOT, 'results');

/** A folder name that is safe on every OS whatever a target is called. */
export function safeDirName(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'target';
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[:]/g, '').replace(/\..+$/, '').replace('T', '-');
}

/**
 * Choose and claim the run folder (claimRunDir: a lock file created exclusively), so two labs
 * never write one folder and a new run never mixes with an earlier one's files.
 */
export async function prepareRunDir(o: { out?: string; force: boolean; profile: string; now: Date }): Promise<string> {
  if (!o.out) return claimNewDir(path.join(RESULTS_ROOT, `${timestamp(o.now)}-${safeDirName(o.profile)}`));
  const dir = path.resolve(o.out);
  const s = await stat(dir).catch(() => null);
  if (s && !s.isDirectory()) throw new LabError('BAD_INPUT', `--out: ${o.out} is a file, expected a folder`);
  await ensureWritableDir(dir, '--out');
  await claimRunDir(dir, { force: o.force, label: '--out', shown: o.out });
  return dir;
}

/** New columns go last (dropped_late, 2026-11-29), so a reader by position keeps working; a cell with no value is empty. */
export function seriesCsv(rows: IntervalRow[]): string {
  const head = ['t', 'stage', 'users', 'requests', 'rps', ...ERROR_KINDS.map((k) => `errors_${k}`), 'errors_total', 'dropped', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'max_ms', 'dropped_late'];
  const cell = (v: number | null) => (v === null ? '' : String(v));
  const lines = rows.map((r) => [r.t, r.stage, r.users, r.requests, r.rps, ...ERROR_KINDS.map((k) => r.errors[k]), r.errorsTotal, r.dropped, r.p50, r.p90, r.p95, r.p99, r.max, r.droppedLate ?? null].map(cell).join(','));
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

export async function writeTargetResults(dir: string, r: RecorderResult, failures: FailuresFile): Promise<void> {
  await writeJsonAtomic(path.join(dir, 'series.json'), r.rows);
  await writeFileAtomic(path.join(dir, 'series.csv'), seriesCsv(r.rows));
  await writeJsonAtomic(path.join(dir, 'stages.json'), r.stages);
  await writeJsonAtomic(path.join(dir, 'histograms.json'), r.histograms);
  await writeFileAtomic(path.join(dir, 'latency.hlog'), r.hlog);
  await writeJsonAtomic(path.join(dir, 'failures.json'), failures);
}

export const writeManifest = (runDir: string, m: RunManifest) => writeJsonAtomic(path.join(runDir, 'manifest.json'), m);
export const writeSummary = (runDir: string, s: Summary) => writeJsonAtomic(path.join(runDir, 'summary.json'), s);
