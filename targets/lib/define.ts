import { z } from 'zod';

export const WORK_MODELS = ['block', 'sleep', 'cpu'] as const;
/**
 * How a request's 10–100 ms of work is spent:
 * - `block`: the thread waits without burning CPU (a synchronous server's `time.sleep`);
 * - `sleep`: an async timer (awaiting a database: the event loop stays free);
 * - `cpu`: a busy loop (real computation).
 */
export type WorkModel = (typeof WORK_MODELS)[number];

/** What the harness hands a target process (through its environment). */
export interface TargetContext {
  host: '127.0.0.1';
  port: number;
  work: WorkModel;
  seed: number;
  /** Declared concurrency (workers, pool size) the harness asked for; 1 for single-threaded targets. */
  size: number;
}

/** A program or Python module a command target needs, and the exact line that installs it. */
export interface Requirement {
  /** A program looked up on PATH (or an absolute path). */
  program?: string;
  /** A Python module the `{python}` interpreter must import. */
  python?: string;
  /** Printed when it is missing, e.g. `apt-get install -y python3-flask`. */
  install: string;
}

interface CommonTargetInput {
  /** Unique name; the file name without `.ts` by convention. */
  name: string;
  /** One line shown in `--list` and the report. */
  description: string;
  /**
   * How many requests this target can be *working on* at once, given the size asked for.
   * The lab uses it for capacity reasoning: capacity ≈ concurrency / mean service time.
   * `Infinity` = no fixed bound (a thread per connection); it is recorded as 0, "no declared bound".
   * @default () => 1
   */
  concurrency?: (size: number) => number;
  /** Default size (workers / pool threads) when the user does not pass one. @default 1 */
  defaultSize?: number;
  /** Extra environment for the target process (e.g. NODE_ENV). */
  env?: Record<string, string>;
  /** Seconds to wait for readiness before the target counts as failed. @default 15 */
  readyTimeoutSeconds?: number;
  /**
   * Groups `--targets` can name (`--targets python`). A target without groups is in `default`,
   * the selection when `--targets` is not given; every target is in `all`.
   * @default ['default']
   */
  groups?: string[];
}

/** A Node server: `start` runs in the lab's own target process (targets/lib/main.ts). */
export interface NodeTargetInput extends CommonTargetInput {
  /**
   * Start serving. Runs inside the target process (never inside the harness);
   * must listen on ctx.host:ctx.port and keep the process alive.
   */
  start: (ctx: TargetContext) => unknown | Promise<unknown>;
  command?: never;
}

/**
 * A server in any language, started by a command. `{port}`, `{host}`, `{size}`, `{seed}`,
 * `{work}` and `{python}` (an interpreter that imports every `requires` Python module) are
 * substituted in each argument; LOADLAB_PORT/PORT, HOST, LOADLAB_WORK, LOADLAB_SEED and
 * LOADLAB_SIZE are set in its environment.
 */
export interface CommandTargetInput extends CommonTargetInput {
  command: string[];
  start?: never;
  /** Working folder, relative to the target file's folder. @default the target file's folder */
  cwd?: string;
  /** HTTP path polled until it answers 2xx. @default '/health' */
  ready?: string;
  /** What must be installed; a target missing one is skipped with its install line. @default [] */
  requires?: Requirement[];
  /** Recorded in the manifest; event-loop delay is only read from `node`. @default argv[0]'s name */
  runtime?: string;
}

export type TargetDefinitionInput = NodeTargetInput | CommandTargetInput;

const fn = <T>(message: string) => z.custom<T>((v) => typeof v === 'function', { message });
const groupName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'must be letters, digits, ".", "_" or "-"' });

export const requirementSchema = z.object({
  program: z.string().min(1).optional(),
  python: z.string().regex(/^[A-Za-z_][\w.]*$/, { message: 'must be a Python module name' }).optional(),
  install: z.string().min(1),
}).strict().refine((r) => (r.program === undefined) !== (r.python === undefined), { message: 'needs exactly one of program or python' });

export const targetDefinitionSchema = z.object({
  name: groupName,
  description: z.string(),
  concurrency: fn<(size: number) => number>('must be a function (size) => number').optional(),
  defaultSize: z.number().int().positive().max(256).default(1),
  env: z.record(z.string()).default({}),
  readyTimeoutSeconds: z.number().positive().max(300).default(15),
  groups: z.array(groupName).min(1).optional(),
  start: fn<NodeTargetInput['start']>('must be a function that starts the server').optional(),
  command: z.array(z.string().min(1)).min(1).max(256).optional(),
  cwd: z.string().min(1).optional(),
  ready: z.string().regex(/^\/[^\s]*$/, { message: 'must be a path starting with "/"' }).optional(),
  requires: z.array(requirementSchema).optional(),
  runtime: z.string().min(1).optional(),
}).strict().superRefine((d, ctx) => {
  if ((d.start === undefined) === (d.command === undefined)) {
    ctx.addIssue({ code: 'custom', path: [d.start ? 'command' : 'start'], message: d.start ? 'cannot be given with start: a target is either a Node start function or a command' : 'is required: give start (a Node function) or command (an argv array)' });
    return;
  }
  if (d.start) {
    for (const k of ['cwd', 'ready', 'requires', 'runtime'] as const) {
      if (d[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'only applies to a command target' });
    }
  }
});

const TARGET = Symbol.for('loadlab.target');
export type TargetDefinition = TargetDefinitionInput & { readonly [TARGET]: true };

/** Declare a server variant. Export it as the file's default export; the harness finds it. */
export function defineTarget(t: TargetDefinitionInput): TargetDefinition {
  return Object.assign(Object.create(null), t, { [TARGET]: true as const });
}

export function isTargetDefinition(x: unknown): x is TargetDefinition {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TARGET] === true;
}
