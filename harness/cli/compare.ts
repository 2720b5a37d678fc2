import path from 'node:path';
import { compareRuns } from '../analysis/compare.ts';
import { breachesOf } from '../analysis/fail-on.ts';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import { compareSide, envDifferences, loadForCompare } from '../results/compare-load.ts';
import { ReportInputError } from '../results/errors.ts';
import { RESULTS_SCHEMA_VERSION, type CompareFile } from '../results/format.ts';
import { ensureWritableDir } from '../results/outdir.ts';
import { RESULTS_ROOT, safeDirName } from '../results/write.ts';
import { LabError } from '../errors.ts';
import { COMPARE_USAGE, parseCompareArgs } from './compare-args.ts';
import { formatCompare } from './compare-table.ts';
import { COMPARE_HTML, compareHtml } from '../../reports/compare.ts';
import { vegaScripts } from '../../reports/assets.ts';

/** Exit code when a --fail-on rule is crossed (0 = compared, 2 = bad input, 1 = anything else). */
export const EXIT_REGRESSION = 3;

/** `npm run compare -- BASE NEW`: read both run folders, test each target × stage × metric, write compare.json, print. */
async function main(argv: string[]): Promise<number> {
  const flags = parseCompareArgs(argv);
  if (flags.help) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  const [base, next] = await Promise.all([loadForCompare(flags.base), loadForCompare(flags.next)]);
  const { targets, onlyInBase, onlyInNew } = compareRuns(compareSide(base), compareSide(next), flags.confidence);
  const file: CompareFile = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    base: { dir: flags.base, runId: base.manifest.runId },
    new: { dir: flags.next, runId: next.manifest.runId },
    confidence: flags.confidence, test: 'mann-whitney-u',
    environment: envDifferences(base.manifest, next.manifest),
    onlyInBase, onlyInNew, targets,
    failOn: flags.failOn?.text ?? null,
    breaches: flags.failOn ? breachesOf(targets, flags.failOn.rules) : [],
  };
  const outDir = path.resolve(flags.out ?? path.join(RESULTS_ROOT, `compare-${safeDirName(base.manifest.runId)}-vs-${safeDirName(next.manifest.runId)}`));
  await ensureWritableDir(outDir, '--out');
  await writeJsonAtomic(path.join(outDir, 'compare.json'), file);
  await writeFileAtomic(path.join(outDir, COMPARE_HTML), compareHtml(file, await vegaScripts()));
  console.log(formatCompare(file));
  console.log(`\ncompare.json: ${path.join(outDir, 'compare.json')}\ncompare.html: ${path.join(outDir, COMPARE_HTML)}`);
  if (!targets.length) {
    console.error('compare: no target is in both runs: nothing compared');
    return 2;
  }
  return file.breaches.length ? EXIT_REGRESSION : 0;
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
