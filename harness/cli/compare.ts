import path from 'node:path';
import { compareRuns } from '../analysis/compare.ts';
import { breachesOf } from '../analysis/fail-on.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import { compareSide, countedTargetRuns, envDifferences, loadForCompare, targetRuns } from '../results/compare-load.ts';
import { ReportInputError } from '../results/errors.ts';
import { RESULTS_SCHEMA_VERSION, type CompareFile } from '../results/format.ts';
import { ensureWritableDir } from '../results/outdir.ts';
import type { RunData } from '../results/run-data.ts';
import { RESULTS_ROOT, safeDirName } from '../results/write.ts';
import { LabError } from '../errors.ts';
import { COMPARE_USAGE, parseCompareArgs, type CompareFlags } from './compare-args.ts';
import { formatCompare } from './compare-table.ts';
import { COMPARE_HTML, compareHtml } from '../../reports/compare.ts';
import { vegaScripts } from '../../reports/assets.ts';
import { sideSpectra } from '../../reports/compare-spectra.ts';

/** Exit code when a --fail-on rule is crossed (0 = compared, 2 = bad input, 1 = anything else). */
export const EXIT_REGRESSION = 3;

/** BASE against one other run: every target × stage × metric tested, and each side's percentile spectra. */
function comparePair(flags: CompareFlags, base: { dir: string; data: RunData }, next: { dir: string; data: RunData }): CompareFile {
  const { targets, onlyInBase, onlyInNew } = compareRuns(compareSide(base.data), compareSide(next.data), flags.confidence);
  const [baseRuns, nextRuns] = [targetRuns(base.data), targetRuns(next.data)];
  for (const t of targets) {
    t.spectra = [...sideSpectra('base', countedTargetRuns(baseRuns.get(t.name) ?? [])), ...sideSpectra('new', countedTargetRuns(nextRuns.get(t.name) ?? []))];
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    base: { dir: base.dir, runId: base.data.manifest.runId },
    new: { dir: next.dir, runId: next.data.manifest.runId },
    confidence: flags.confidence, test: 'mann-whitney-u',
    environment: envDifferences(base.data.manifest, next.data.manifest),
    onlyInBase, onlyInNew, targets,
    failOn: flags.failOn?.text ?? null,
    breaches: flags.failOn ? breachesOf(targets, flags.failOn.rules) : [],
  };
}

async function writePair(file: CompareFile, outDir: string): Promise<void> {
  await ensureWritableDir(outDir, '--out');
  await writeJsonAtomic(path.join(outDir, 'compare.json'), file);
  await writeFileAtomic(path.join(outDir, COMPARE_HTML), compareHtml(file, await vegaScripts()));
}

/**
 * `npm run compare -- BASE NEW [MORE…]`: read the run folders, compare each further run against
 * BASE, write compare.json and compare.html (with MORE: one vs-<run id>/ folder per comparison), print.
 */
async function main(argv: string[]): Promise<number> {
  const flags = parseCompareArgs(argv);
  if (flags.help) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  const dirs = [flags.base, flags.next, ...flags.more];
  const [base, ...others] = (await Promise.all(dirs.map(loadForCompare))).map((data, i) => ({ dir: dirs[i]!, data }));
  const baseId = safeDirName(base!.data.manifest.runId);
  const several = others.length > 1;
  const root = path.resolve(flags.out ?? path.join(RESULTS_ROOT, several ? `compare-${baseId}-vs-${others.length}-runs` : `compare-${baseId}-vs-${safeDirName(others[0]!.data.manifest.runId)}`));
  const codes: number[] = [];
  for (const [i, next] of others.entries()) {
    const file = comparePair(flags, base!, next);
    // Two runs with one id (copies of one folder) must not share a folder: the later gets its position on the command line.
    const outDir = several ? path.join(root, `vs-${safeDirName(next.data.manifest.runId)}${others.findIndex((o) => o.data.manifest.runId === next.data.manifest.runId) < i ? `-${i + 2}` : ''}`) : root;
    await writePair(file, outDir);
    if (several) console.log(`${i ? '\n' : ''}=== ${flags.base} → ${next.dir} (${i + 1} of ${others.length})`);
    console.log(formatCompare(file));
    console.log(`\ncompare.json: ${path.join(outDir, 'compare.json')}\ncompare.html: ${path.join(outDir, COMPARE_HTML)}`);
    if (!file.targets.length) console.error(`compare: no target is in both ${flags.base} and ${next.dir}: nothing compared`);
    codes.push(!file.targets.length ? 2 : file.breaches.length ? EXIT_REGRESSION : 0);
  }
  // A regression anywhere fails the gate; a comparison with nothing in common is bad input.
  return codes.includes(EXIT_REGRESSION) ? EXIT_REGRESSION : codes.includes(2) ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if ((err instanceof LabError && err.code === 'BAD_INPUT') || err instanceof ReportInputError) {
      console.error(`compare: ${err.message.replace(/^compare: /, '')}`);
      process.exit(2);
    }
    console.error(`compare: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
