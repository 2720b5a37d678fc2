/**
 * Where one generator's CPU goes: bench/fixtures/trivial.ts on a loopback port, one side run in
 * its own process under `node --cpu-prof`, its main thread's samples sorted into categories
 * (bench/lib/cpu-profile-summary.ts). bench/README.md "Where the CPU goes" is this, one row a run.
 *
 *   npx tsx bench/cpu-profile.ts --closed 10 | --open 40000 --cap 20 | --autocannon 10 [--seconds 5] [--warmup 1] [--top 10]
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_CONNECTIONS, MAX_RATE } from '../profiles/lib/define.ts';
import { formatSummary, mainThreadProfile, summarizeProfile, type CpuProfile } from './lib/cpu-profile-summary.ts';
import { BadInput, badFlags, runMain, wholeNumber } from './lib/args.ts';
import { startFixture } from './lib/fixture.ts';
import { runSide } from './lib/run-side.ts';
import type { SideResult, SideSpec } from './lib/side-types.ts';

const MAX_SECONDS = 600;
const MAX_WARMUP = 60;
const MAX_TOP = 100;

const USAGE = `Usage: npx tsx bench/cpu-profile.ts SIDE [options]
(on the shared machine: flock /tmp/loadlab-heavy.lock npx tsx bench/cpu-profile.ts …)

  SIDE, exactly one of:
  --closed N      the lab's closed driver, N users, no think time
  --open R        the lab's open driver, R arrivals/s
  --cap N         with --open: most requests in flight (default: the profile default, 256)
  --autocannon N  autocannon, N connections

  --seconds N     profiled run after the warm-up (default: 5, at most ${MAX_SECONDS})
  --warmup N      warm-up seconds, in the same process (default: 1, at most ${MAX_WARMUP})
  --top N         also list the N functions with the most self time (default: 10; 0: none)
  --help          this text`;

type Flags = { help: true } | { help: false; spec: SideSpec; top: number };

function parse(argv: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        closed: { type: 'string' }, open: { type: 'string' }, cap: { type: 'string' }, autocannon: { type: 'string' },
        seconds: { type: 'string' }, warmup: { type: 'string' }, top: { type: 'string' }, help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw badFlags(err, ' (see --help)');
  }
  if (values.help) return { help: true };
  const int = (flag: string, v: string | undefined, min: number, max: number, fallback: number) => wholeNumber(flag, v, min, max) ?? fallback;
  const sides = (['closed', 'open', 'autocannon'] as const).filter((k) => values[k] !== undefined);
  if (sides.length !== 1) {
    throw new BadInput(sides.length === 0
      ? 'choose a side: --closed USERS, --open RATE or --autocannon CONNECTIONS (see --help)'
      : `one side at a time, got ${sides.map((s) => `--${s}`).join(' and ')}`);
  }
  if (values.cap !== undefined && sides[0] !== 'open') throw new BadInput('--cap: only with --open (the open driver\'s in-flight cap)');
  const common = { origin: '', seconds: int('seconds', values.seconds, 1, MAX_SECONDS, 5), warmupSeconds: int('warmup', values.warmup, 0, MAX_WARMUP, 1) };
  const top = int('top', values.top, 0, MAX_TOP, 10);
  switch (sides[0]!) {
    case 'closed':
      return { help: false, top, spec: { kind: 'lab-closed', users: int('closed', values.closed, 1, MAX_CONNECTIONS, 0), ...common } };
    case 'open': {
      const cap = values.cap === undefined ? {} : { maxInFlight: int('cap', values.cap, 1, MAX_CONNECTIONS, 0) };
      return { help: false, top, spec: { kind: 'lab-open', rate: int('open', values.open, 1, MAX_RATE, 0), ...cap, ...common } };
    }
    case 'autocannon':
      return { help: false, top, spec: { kind: 'autocannon', connections: int('autocannon', values.autocannon, 1, MAX_CONNECTIONS, 0), ...common } };
  }
}

function resultLine(r: SideResult, spec: SideSpec): string {
  const split = r.droppedAtCap === undefined ? '' : ` (at the cap ${r.droppedAtCap}, late ${r.droppedLate ?? 0})`;
  const cpu = r.cpuUsPerRequest === null ? 'n/a' : `${r.cpuUsPerRequest} µs/req`;
  return `${r.tool}: ${r.rps.toLocaleString('en-US')} req/s, CPU ${cpu} (profiled), dropped ${r.dropped}${split}; ${r.seconds} s after ${spec.warmupSeconds} s warm-up`;
}

async function main(argv: string[]): Promise<number> {
  const flags = parse(argv);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'loadlab-cpu-prof-'));
  // Ctrl-C or a kill: exit through 'exit', where execa and the fixture stop their children, and the folder goes.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  try {
    const fixture = await startFixture('trivial');
    let result: SideResult;
    try {
      const spec = { ...flags.spec, origin: fixture.origin };
      result = await runSide(spec, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    } finally {
      await fixture.stop();
    }
    const file = mainThreadProfile(await readdir(dir));
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
    console.log(resultLine(result, flags.spec));
    for (const line of formatSummary(summarizeProfile(profile), flags.top)) console.log(line);
    console.log('note: shares of the main thread\'s samples, by each sample\'s own frame; rules in bench/lib/cpu-profile-summary.ts.');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return 0;
}

runMain('cpu-profile', () => main(process.argv.slice(2)));
