import { parseArgs } from 'node:util';
import { z } from 'zod';
import { WORK_MODELS } from '../../targets/lib/define.ts';
import { LabError, labErrorMap, zodMessage } from '../errors.ts';

export const USAGE = `Usage: npm run lab -- [options]

  --targets a,b        targets to run, by name, group (python, all) or .ts file (default: the group
                       "default", the four Node servers)
  --profile NAME|FILE  load profile (default: launch); see --list
  --url URL            drive a server that is already running (http://127.0.0.1:PORT) instead of
                       starting targets; not with --targets
  --work MODEL         block | sleep | cpu: how each request spends its 10–100 ms (default: block)
  --seed N             seed of the service-time and think-time sequences (default: 1)
  --size N             workers / pool threads for multi-worker targets (default: each target's own, 4)
  --out DIR            write the run folder exactly here (default: results/<time>-<profile>/)
  --force              allow --out to overwrite a non-empty folder
  --connection MODE    keep-alive | close: each virtual user keeps one connection (default, as Locust and
                       browsers do), or opens a new one per request; overrides the profile's connection
  --timeout-ms N       per-request timeout in ms, overriding the profile's timeoutMs (default: the profile's, 10000)
  --allow-remote       allow load to a non-loopback address; without it the lab only ever sends to
                       127.0.0.0/8, ::1 or localhost (use it only against a server you own)
  --driver D           lab | locust | lab,locust: the engine that sends the load (default: lab, the built-in
                       driver); locust runs a generated locustfile on a Locust master with --workers
                       workers (closed profiles only); lab,locust runs each target with both, side by side
  --workers N          Locust worker processes, with --driver locust or --export (default: 1, max 32)
  --export locust DIR  write a Locust bundle of the profile to DIR (locustfile, master.sh / worker.sh, README
                       with the commands for several machines) and exit; npm run import -- DIR reads it back
  --generators N       send the load from N worker threads (the users, or the arrival schedule, shared out;
                       histograms merged exactly): for a generator that one core cannot keep up with
                       (default: 1, the lab's own thread; max 16); docs/generators.md
  --repeat N           run each target N times, interleaved (A B A B …), and report the spread (default: 1, max 10)
  --capacity           instead of a profile: each target's max req/s with autocannon at fixed connections
    --connections N        connections, each sending again as soon as answered (default: 16)
    --capacity-seconds S   measured seconds per target (default: 10)
  --knee               instead of a profile: each target's highest arrival rate whose p95 holds under the SLO
    --slo-ms N             the p95 bound (default: 500)
    --knee-step-seconds S  seconds a rate is held before it is judged (default: SLO ÷ 7%, 6–20 s; up to twice that while unsettled)
    --knee-probe S         first measure the target's closed-loop max req/s with autocannon for S s, then search
                           from a quarter of it up to twice it, on to 16× while every step holds (without it:
                           from 5 up to 2000 req/s; a fast target such as fastify-hello needs it)
  --ui                 serve a live page of the run on 127.0.0.1 while it goes on (its URL is printed;
                       the page holds a Stop button); see docs/live.md
    --ui-port N            port of the live page (default: any free port)
  --assert EXPR        a threshold, as [TARGET:]METRIC OP VALUE[@SCOPE]: 'p95<300ms', 'errors<1%@every-stage',
                       'express-dev:rps>=0.9*offered@stage=3' (repeatable; with the profile's own thresholds).
                       A failed threshold exits 3 (docs/thresholds.md)
  --junit FILE         write the thresholds' outcomes as JUnit XML, one testcase per target × threshold
  --list               list the targets and profiles found, then exit
  --help               this text`;

const intFlag = (name: string) =>
  z.string().optional().transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number, got "${v}"`, path: [] });
      return z.NEVER;
    }
    return n;
  }).describe(name);

const flagsSchema = z.object({
  targets: z.string().optional().transform((v) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean))),
  profile: z.string().min(1).default('launch'),
  work: z.enum(WORK_MODELS).default('block'),
  seed: intFlag('seed').pipe(z.number().int().min(0).max(2 ** 31 - 1).default(1)),
  size: intFlag('size').pipe(z.number().int().min(1).max(64).optional()),
  url: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  force: z.boolean().default(false),
  connection: z.enum(['keep-alive', 'close']).optional(),
  'timeout-ms': intFlag('timeout-ms').pipe(z.number().int().min(1).max(600_000).optional()),
  'allow-remote': z.boolean().default(false),
  repeat: intFlag('repeat').pipe(z.number().int().min(1).max(10).default(1)),
  generators: intFlag('generators').pipe(z.number().int().min(1).max(16).default(1)),
  capacity: z.boolean().default(false),
  connections: intFlag('connections').pipe(z.number().int().min(1).max(1024).optional()),
  'capacity-seconds': intFlag('capacity-seconds').pipe(z.number().int().min(1).max(300).optional()),
  knee: z.boolean().default(false),
  'slo-ms': intFlag('slo-ms').pipe(z.number().int().min(1).max(60_000).optional()),
  'knee-step-seconds': intFlag('knee-step-seconds').pipe(z.number().int().min(2).max(60).optional()),
  'knee-probe': intFlag('knee-probe').pipe(z.number().int().min(1).max(60).optional()),
  ui: z.boolean().default(false),
  'ui-port': intFlag('ui-port').pipe(z.number().int().min(0).max(65535).optional()),
  assert: z.array(z.string()).default([]),
  junit: z.string().min(1).optional(),
  driver: z.string().optional().transform((v, ctx) => {
    const list = (v ?? 'lab').split(',').map((d) => d.trim()).filter(Boolean);
    const bad = list.find((d) => d !== 'lab' && d !== 'locust');
    if (bad !== undefined || list.length === 0 || new Set(list).size !== list.length) {
      ctx.addIssue({ code: 'custom', message: `expected lab, locust or lab,locust, got "${v}"`, path: [] });
      return z.NEVER;
    }
    return list as ('lab' | 'locust')[];
  }),
  workers: intFlag('workers').pipe(z.number().int().min(1).max(32).optional()),
  export: z.string().optional().transform((v, ctx) => {
    if (v === undefined) return undefined;
    const m = /^locust\u0000(.+)$/s.exec(v);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected "--export locust DIR", got "${v.replace('\u0000', ' ')}"`, path: [] });
      return z.NEVER;
    }
    return { engine: 'locust' as const, dir: m[1]! };
  }),
  list: z.boolean().default(false),
  help: z.boolean().default(false),
}).strict();

export type LabFlags = z.infer<typeof flagsSchema>;

/** `--seed -1` reads to parseArgs as a flag named -1 ("ambiguous"); `--seed=-1` gets the range message instead. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    // `--export locust DIR` takes two values; parseArgs takes one, so they travel joined.
    if (a === '--export' && next !== undefined && argv[i + 2] !== undefined && !argv[i + 2]!.startsWith('--')) {
      out.push(`--export=${next}\u0000${argv[i + 2]}`);
      i += 2;
    } else if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

const STRING_FLAGS = ['targets', 'profile', 'work', 'seed', 'size', 'out', 'url', 'connection', 'timeout-ms', 'repeat', 'generators', 'driver', 'workers', 'export', 'connections', 'capacity-seconds', 'slo-ms', 'knee-step-seconds', 'knee-probe', 'ui-port', 'assert', 'junit'] as const;
const BOOLEAN_FLAGS = ['force', 'allow-remote', 'list', 'help', 'capacity', 'knee', 'ui'] as const;
/** Flags whose values add up: `--targets a --targets b` runs both. */
const LIST_FLAGS = new Set<string>(['targets']);
/** Flags that may be given again and again, each value kept on its own: `--assert A --assert B`. */
const REPEATABLE_FLAGS = new Set<string>(['assert']);

/**
 * A flag given twice would otherwise keep only its last value: a list flag's values are merged,
 * any other value flag is refused (a repeated switch like `--force --force` changes nothing).
 */
function mergeRepeats(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) {
    if (!Array.isArray(v) || REPEATABLE_FLAGS.has(name)) out[name] = v;
    else if (LIST_FLAGS.has(name)) out[name] = v.join(',');
    else if (v.length > 1 && typeof v[0] === 'string') {
      throw new LabError('BAD_INPUT', `--${name}: given ${v.length} times (${v.map((x) => JSON.stringify(x)).join(', ')}); give it once`);
    } else out[name] = v[v.length - 1];
  }
  return out;
}

/** Parse `npm run lab -- …`; any mistake is a one-line LabError naming the flag. */
export function parseLabArgs(argv: string[]): LabFlags {
  let values: Record<string, unknown>;
  const args = joinNegativeValues(argv);
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(STRING_FLAGS.map((f) => [f, { type: 'string' as const, multiple: true }])),
        ...Object.fromEntries(BOOLEAN_FLAGS.map((f) => [f, { type: 'boolean' as const, multiple: true }])),
      },
    }));
  } catch (err) {
    throw new LabError('BAD_INPUT', `${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
  }
  values = mergeRepeats(values);
  const parsed = flagsSchema.safeParse(values, { errorMap: labErrorMap });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = `--${String(issue?.path[0] ?? '')}`;
    throw new LabError('BAD_INPUT', zodMessage(flag, parsed.error, values).replace(`${flag}: ${String(issue?.path[0] ?? '')} `, `${flag}: `));
  }
  if (parsed.data.targets && parsed.data.targets.length === 0) throw new LabError('BAD_INPUT', '--targets: must name at least one target');
  checkModeFlags(parsed.data);
  if (parsed.data.url !== undefined && parsed.data.targets) {
    throw new LabError('BAD_INPUT', '--url and --targets cannot be used together: --url drives a server already running, --targets starts the lab\'s own');
  }
  return parsed.data;
}

// A mode's tuning flag without the mode would be silently ignored: say so instead.
function checkModeFlags(f: LabFlags): void {
  const needs: [keyof LabFlags, 'capacity' | 'knee' | 'ui'][] = [['connections', 'capacity'], ['capacity-seconds', 'capacity'], ['slo-ms', 'knee'], ['knee-step-seconds', 'knee'], ['knee-probe', 'knee'], ['ui-port', 'ui']];
  for (const [flag, mode] of needs) {
    if (f[flag] !== undefined && !f[mode]) throw new LabError('BAD_INPUT', `--${flag}: only applies with --${mode}`);
  }
  if (f.url !== undefined && (f.capacity || f.knee)) throw new LabError('BAD_INPUT', `--url: --${f.capacity ? 'capacity' : 'knee'} starts the lab's own targets (it needs their declared concurrency); use --targets`);
  if (f.ui && (f.capacity || f.knee)) throw new LabError('BAD_INPUT', `--ui: draws profile runs, not --${f.capacity ? 'capacity' : 'knee'}`);
  for (const flag of ['assert', 'junit'] as const) {
    if ((flag === 'junit' ? f.junit !== undefined : f.assert.length > 0) && (f.capacity || f.knee)) throw new LabError('BAD_INPUT', `--${flag}: thresholds apply to profile runs, not to --${f.capacity ? 'capacity' : 'knee'}`);
  }
  if (f.repeat > 1 && (f.capacity || f.knee)) throw new LabError('BAD_INPUT', `--repeat: applies to profile runs, not to --${f.capacity ? 'capacity' : 'knee'}`);
  const locust = f.driver.includes('locust');
  if (f.workers !== undefined && !locust && !f.export) throw new LabError('BAD_INPUT', '--workers: only applies with --driver locust');
  if (locust && (f.capacity || f.knee)) throw new LabError('BAD_INPUT', `--driver: --${f.capacity ? 'capacity' : 'knee'} uses its own driver; --driver applies to profile runs`);
  if (f.export && (f.capacity || f.knee || f.targets || f.repeat > 1 || f.driver.length > 1 || f.driver[0] !== 'lab')) throw new LabError('BAD_INPUT', '--export: writes a bundle of the profile and runs nothing; give it with --profile, --workers, --url (the target the bundle\'s commands default to) and --timeout-ms / --connection only');
  if (f.generators > 1 && (f.capacity || f.knee || f.export || f.driver.includes('locust'))) throw new LabError('BAD_INPUT', `--generators: splits the built-in driver of a profile run, not ${f.capacity ? '--capacity' : f.knee ? '--knee' : f.export ? '--export' : '--driver locust'}`);
  if (f.driver.length > 1 && f.repeat > 1) throw new LabError('BAD_INPUT', '--repeat: one driver at a time (--driver lab or --driver locust), not both');
}
