import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from '../harness/results/machine.ts';
import { accuracy } from './figures/accuracy.ts';
import { efficiency, EFFICIENCY_CONNECTIONS } from './figures/efficiency.ts';
import { memory, MEMORY_LONG_SECONDS } from './figures/memory.ts';
import { omission } from './figures/omission.ts';
import { openModel } from './figures/open.ts';
import { DEFAULT_PLACEMENT, FIGURES, type FigureName, type FigureOptions, type FigureRun } from './lib/figure.ts';
import { formatFigure, formatHeader } from './lib/format.ts';
import { parsePlacement, setPlacement, usablePlacement } from './lib/placement.ts';
import { BadInput, badFlags, runMain, wholeNumber, wholeNumbers } from './lib/args.ts';
import { chooseTarget, MAX_RATE_TARGETS } from './lib/target.ts';

const USAGE = `Usage: npm run bench -- [options]

  --only a,b      figures to run: ${FIGURES.join(', ')} (default: all)
  --connections L efficiency figure: connection counts, e.g. 1,2 (default: ${EFFICIENCY_CONNECTIONS.join(',')})
  --target T      efficiency and open figures: ${MAX_RATE_TARGETS.join(' or ')} (default: nginx when installed, else node)
  --seconds N     measured seconds per generator, every figure (default: 10, 10, 10, 15, 90)
  --long          memory figure runs ${MEMORY_LONG_SECONDS / 60} minutes
  --repeat N      run each figure N times, sides in alternating order (default: 1, at most 5)
  --placement P   every figure's processes: shared (target and generators on CPU 0), split (target
                  on the last CPU, generators on CPU 0) or free (no taskset) (default: efficiency
                  shared, the others free; see bench/README.md)
  --help          this text`;

const RUNNERS: Record<FigureName, (o: FigureOptions) => Promise<FigureRun>> = { efficiency, open: openModel, accuracy, omission, memory };
const OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const MAX_SECONDS = 3600;
const MAX_REPEAT = 5;

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { only: { type: 'string' }, seconds: { type: 'string' }, long: { type: 'boolean' }, connections: { type: 'string' }, repeat: { type: 'string' }, placement: { type: 'string' }, target: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    throw badFlags(err, ' (see --help)');
  }
  const only = (values.only ?? FIGURES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of only) {
    if (!(FIGURES as readonly string[]).includes(f)) throw new BadInput(`--only: expected one of ${FIGURES.join(', ')}, got "${f}"`);
  }
  const connections = values.connections === undefined ? undefined : wholeNumbers('connections', values.connections, 1, 1000);
  // Checked here so a bad --target ends the command before any figure runs.
  const target = values.target === undefined ? undefined : chooseTarget(values.target).target;
  const placement = values.placement === undefined ? undefined : parsePlacement(values.placement);
  return {
    placement,
    connections,
    target,
    help: values.help ?? false,
    only: only as FigureName[],
    seconds: wholeNumber('seconds', values.seconds, 1, MAX_SECONDS),
    long: values.long ?? false,
    repeat: wholeNumber('repeat', values.repeat, 1, MAX_REPEAT) ?? 1,
  };
}

async function main(argv: string[]): Promise<number> {
  const flags = parse(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const info = await machineInfo();
  const machine = { date: new Date().toISOString(), ...info };
  console.log(`${formatHeader(machine)}\n`);
  const log = (line: string) => process.stderr.write(`  … ${line}\n`);
  const runs: FigureRun[] = [];
  for (const name of flags.only) {
    for (let repeat = 0; repeat < flags.repeat; repeat++) {
      const seconds = name === 'memory' && flags.long ? (flags.seconds ?? MEMORY_LONG_SECONDS) : flags.seconds;
      const { placement, note } = flags.placement ? { placement: flags.placement, note: null } : usablePlacement(DEFAULT_PLACEMENT[name]);
      if (note) log(note);
      setPlacement(placement);
      const run = await RUNNERS[name]({ seconds, repeat, log, placement, ...(flags.connections ? { connections: flags.connections } : {}), ...(flags.target ? { target: flags.target } : {}) });
      runs.push(run);
      const label = `[${FIGURES.indexOf(name) + 1}${flags.repeat > 1 ? `.${repeat + 1}` : ''}]`;
      console.log(`${formatFigure(run, label)}\n`);
    }
  }
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  await writeFile(OUT, `${JSON.stringify({ machine, argv, runs }, null, 2)}\n`);
  console.log('note: 2 shared cores, other work running: figures are noisy; compare runs (--repeat 2).');
  console.log(`saved: ${OUT}`);
  // Goals inform, they do not fail the command: on a shared machine a miss can be noise.
  return 0;
}

runMain('bench', () => main(process.argv.slice(2)));
