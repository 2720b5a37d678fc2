import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.ts';
import { prepareRunDir } from '../results/write.ts';
import { importBundle } from '../run/import-bundle.ts';
import { printProfileRun } from './print.ts';
import { runCli } from './exit.ts';

const USAGE = `Usage: npm run import -- DIR [--out RUN_DIR] [--force]

  DIR            a bundle written by npm run lab -- --export locust DIR, with the master's and the
                 workers' logs copied back into DIR/logs/ (see DIR/README.md)
  --out RUN_DIR  write the run folder exactly here (default: results/<time>-<profile>-import/)
  --force        allow --out to overwrite a non-empty folder`;

/** `npm run import -- DIR`: a Locust bundle's logs → a normal run folder and report. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  } catch (err) {
    throw new LabError('BAD_INPUT', `${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new LabError('BAD_INPUT', `import: expected one bundle folder, got ${parsed.positionals.length} (see --help)`);
  const bundleDir = path.resolve(parsed.positionals[0]!);
  const bundle = JSON.parse(await readFile(path.join(bundleDir, 'bundle.json'), 'utf8').catch(() => '{}')) as { profile?: { name?: unknown } };
  const name = typeof bundle.profile?.name === 'string' ? bundle.profile.name : 'bundle';
  const runDir = await prepareRunDir({ out: parsed.values.out, force: parsed.values.force ?? false, profile: `${name}-import`, now: new Date() });
  const { manifest, summary } = await importBundle({ bundleDir, runDir, warn: (line) => console.error(`WARNING ${line}`) });
  console.log(`loadlab import: profile ${name}, driver ${manifest.driver}, from ${bundleDir}`);
  return printProfileRun({ runDir, manifest, summary, repeat: 1, unit: 'users' });
}

runCli(main);
