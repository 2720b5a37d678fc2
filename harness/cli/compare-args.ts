import { parseArgs } from 'node:util';
import { LabError } from '../errors.ts';
import { FailOnError, parseFailOn, type FailRule } from '../analysis/fail-on.ts';

export const COMPARE_USAGE = `usage: npm run compare -- BASE NEW [MORE…] [--out DIR] [--fail-on RULES] [--confidence 0.95]

  BASE, NEW          two profile run folders (results/<time>-<profile>); run each with --repeat 5
                     so every stage has 5 values a side for the rank test
  MORE…              further run folders: each is compared against BASE, as NEW is
  --out DIR          where compare.json goes (default: results/compare-<base id>-vs-<new id>);
                     with MORE, one folder per comparison inside it: vs-<run id>/
  --fail-on RULES    e.g. 'p95:+10%,rps:-5%,errors:+1pp': exit 3 when a regression is both
                     larger than a rule and significant (p < 1 − confidence)
  --confidence C     0.5 < C < 1 (default 0.95)

exit codes: 0 compared (no rule crossed), 2 bad input (flags, rule, unreadable run folder),
            3 a --fail-on rule crossed, 1 anything else`;

export interface CompareFlags {
  help: boolean;
  base: string;
  next: string;
  /** Further run folders, each compared against BASE. */
  more: string[];
  out: string | null;
  failOn: { text: string; rules: FailRule[] } | null;
  confidence: number;
}

const bad = (message: string) => new LabError('BAD_INPUT', `${message}\n${COMPARE_USAGE.split('\n')[0]}`);

/** Flags of `npm run compare`; anything wrong is bad input naming the flag (exit 2). */
export function parseCompareArgs(argv: string[]): CompareFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      help: { type: 'boolean', short: 'h' }, out: { type: 'string' }, 'fail-on': { type: 'string' }, confidence: { type: 'string' },
    } });
  } catch (e) {
    throw bad(`compare: ${(e as Error).message}`);
  }
  const v = parsed.values;
  if (v.help) return { help: true, base: '', next: '', more: [], out: null, failOn: null, confidence: 0.95 };
  const [base, next, ...more] = parsed.positionals;
  if (!base || !next) throw bad(`compare: expected at least two run folders BASE NEW, got ${parsed.positionals.length}`);
  const confidence = v.confidence === undefined ? 0.95 : Number(v.confidence);
  if (!Number.isFinite(confidence) || confidence <= 0.5 || confidence >= 1) throw bad(`--confidence: expected a number with 0.5 < C < 1, got ${JSON.stringify(v.confidence)}`);
  let failOn: CompareFlags['failOn'] = null;
  if (v['fail-on'] !== undefined) {
    try {
      failOn = { text: v['fail-on'], rules: parseFailOn(v['fail-on']) };
    } catch (e) {
      if (e instanceof FailOnError) throw new LabError('BAD_INPUT', e.message);
      throw e;
    }
  }
  return { help: false, base, next, more, out: v.out ?? null, failOn, confidence };
}
