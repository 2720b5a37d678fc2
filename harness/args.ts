import { parseArgs } from 'node:util';
import { z } from 'zod';
import { WORK_MODELS } from '../targets/lib/define.ts';
import { LabError, labErrorMap, zodMessage } from './errors.ts';

export const USAGE = `Usage: npm run lab -- [options]

  --targets a,b        targets to run, by name or .ts file (default: every file in targets/)
  --profile NAME|FILE  load profile (default: launch); see --list
  --work MODEL         block | sleep | cpu: how each request spends its 10–100 ms (default: block)
  --seed N             seed of the service-time and think-time sequences (default: 1)
  --size N             workers / pool threads for multi-worker targets (default: each target's own, 4)
  --out DIR            write the run folder exactly here (default: results/<time>-<profile>/)
  --force              allow --out to overwrite a non-empty folder
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
  out: z.string().min(1).optional(),
  force: z.boolean().default(false),
  list: z.boolean().default(false),
  help: z.boolean().default(false),
}).strict();

export type LabFlags = z.infer<typeof flagsSchema>;

/** Parse `npm run lab -- …`; any mistake is a one-line LabError naming the flag. */
export function parseLabArgs(argv: string[]): LabFlags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        targets: { type: 'string' }, profile: { type: 'string' }, work: { type: 'string' },
        seed: { type: 'string' }, size: { type: 'string' }, out: { type: 'string' },
        force: { type: 'boolean' }, list: { type: 'boolean' }, help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new LabError('BAD_INPUT', `${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
  }
  const parsed = flagsSchema.safeParse(values, { errorMap: labErrorMap });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = `--${String(issue?.path[0] ?? '')}`;
    throw new LabError('BAD_INPUT', zodMessage(flag, parsed.error, values).replace(`${flag}: ${String(issue?.path[0] ?? '')} `, `${flag}: `));
  }
  if (parsed.data.targets && parsed.data.targets.length === 0) throw new LabError('BAD_INPUT', '--targets: must name at least one target');
  return parsed.data;
}
