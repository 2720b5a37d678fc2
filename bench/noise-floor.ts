/**
 * The efficiency figure's noise floor: one generator against a second copy of itself, in the
 * same alternating turns, on the same target (nginx when installed). Any turn ratio away from 1.0 here is the
 * machine, not a generator; a goal on single turns (issue 12: every turn ≥ 0.9×) means something
 * only where this stays inside it.
 *
 *   npx tsx bench/noise-floor.ts [--tool autocannon|lab] [--connections 1,10,50] [--seconds 10] [--target nginx|node] [--placement shared|split|free] [--plain-turns]
 *
 * `--seconds` is each copy's measured time, split into 5 turns of two mirrored halves as in
 * `npm run bench`; `--plain-turns` runs each turn in one piece (figure 1's turns before nginx).
 * `--placement` defaults to figure 1's (shared: both processes on CPU 0).
 */
import { parseArgs } from 'node:util';
import { median, round2, takeTurns } from './figures/efficiency.ts';
import { parsePlacement, PLACEMENT_TEXT, setPlacement } from './lib/placement.ts';
import { DEFAULT_PLACEMENT } from './lib/figure.ts';
import { BadInput, badFlags, runMain, wholeNumber, wholeNumbers } from './lib/args.ts';
import { chooseTarget, startMaxRateTarget } from './lib/target.ts';
import type { SideSpec } from './lib/side-types.ts';

const WARMUP_S = 2;

function parse(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, options: { tool: { type: 'string', default: 'autocannon' }, connections: { type: 'string', default: '1,10,50' }, seconds: { type: 'string' }, target: { type: 'string' }, placement: { type: 'string', default: DEFAULT_PLACEMENT.efficiency }, 'plain-turns': { type: 'boolean' } } }));
  } catch (err) {
    throw badFlags(err);
  }
  if (values.tool !== 'autocannon' && values.tool !== 'lab') throw new BadInput(`--tool: expected autocannon or lab, got "${values.tool}"`);
  return { plainTurns: values['plain-turns'] ?? false, placement: parsePlacement(values.placement), choice: chooseTarget(values.target), tool: values.tool, counts: wholeNumbers('connections', values.connections, 1, 1000), seconds: wholeNumber('seconds', values.seconds, 5, 600) ?? 10 };
}

async function main(): Promise<number> {
  const { tool, counts, seconds, choice, placement, plainTurns } = parse(process.argv.slice(2));
  setPlacement(placement);
  const { target, note } = choice;
  if (note) console.log(`note: ${note}`);
  const fx = await startMaxRateTarget(target);
  try {
    for (const n of counts) {
      const spec: SideSpec = tool === 'autocannon'
        ? { kind: 'autocannon', origin: fx.origin, connections: n, seconds, warmupSeconds: WARMUP_S }
        : { kind: 'lab-closed', origin: fx.origin, users: n, seconds, warmupSeconds: WARMUP_S };
      const [a, b] = await takeTurns(fx, [spec, { ...spec }], seconds, { repeat: 0, log: () => {}, placement }, { mirrored: !plainTurns });
      const turns = a!.slices.map((s, i) => round2(s.rps / Math.max(1, b!.slices[i]!.rps)));
      console.log(`${tool} against itself on ${target} (${PLACEMENT_TEXT[placement]})${plainTurns ? ' (plain turns)' : ''}, ${n} connections, ${turns.length} turns of ${seconds / turns.length} s: median ${median(turns)}×, turns ${turns.join(', ')} (req/s ${a!.slices.map((s) => s.rps).join(' ')} | ${b!.slices.map((s) => s.rps).join(' ')})`);
    }
  } finally {
    await fx.stop();
  }
  return 0;
}

runMain('noise-floor', main);
