import path from 'node:path';
import { writeIndex } from './index.ts';
import { writeReport } from './render.ts';

const USAGE = 'usage: npm run report -- RUN_DIR | npm run report -- --index [RESULTS_ROOT]';

async function main(args: string[]): Promise<string> {
  if (args[0] === '--help' || args[0] === '-h') return USAGE;
  if (args[0] === '--index') {
    if (args.length > 2) throw new Error(`expected at most one RESULTS_ROOT after --index, got ${args.length - 1}. ${USAGE}`);
    return writeIndex(args[1] ?? path.resolve('results'));
  }
  if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new Error(`expected one RUN_DIR, got ${JSON.stringify(args)}. ${USAGE}`);
  return writeReport(args[0]);
}

// The one top-level catch: a one-line message, exit 2 on bad input.
main(process.argv.slice(2)).then(
  (out) => console.log(out),
  (err: unknown) => {
    console.error(`report: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  },
);
