import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.ts';
import { writeFileAtomic } from '../results/atomic.ts';
import type { RunManifest, Summary } from '../results/format.ts';
import { driveSecondsByTarget, junitXml } from '../results/junit.ts';
import { ensureWritableDir } from '../results/outdir.ts';

/** `--junit FILE`, checked before any load is sent: something to report, and a place to write it. */
export async function checkJunitFile(file: string, thresholds: number): Promise<void> {
  if (thresholds === 0) throw new LabError('BAD_INPUT', '--junit: no thresholds to report: give --assert EXPR, or a profile with thresholds');
  const s = await stat(file).catch(() => null);
  if (s?.isDirectory()) throw new LabError('BAD_INPUT', `--junit: ${file} is a folder; give a file name, e.g. ${path.join(file, 'loadlab.xml')}`);
  await ensureWritableDir(path.dirname(path.resolve(file)), '--junit');
}

/** Write the summary's threshold outcomes as JUnit XML, timed by the manifest's drives; returns the absolute path. */
export async function writeJunit(file: string, summary: Summary, manifest: Pick<RunManifest, 'targets'>): Promise<string> {
  const abs = path.resolve(file);
  await writeFileAtomic(abs, junitXml({ runId: summary.runId, profile: summary.profile, outcomes: summary.thresholds ?? [], driveSeconds: driveSecondsByTarget(manifest.targets) }));
  return abs;
}
