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

export interface TargetDefinitionInput {
  /** Unique name; the file name without `.ts` by convention. */
  name: string;
  /** One line shown in `--list` and the report. */
  description: string;
  /**
   * How many requests this target can be *working on* at once, given the size asked for.
   * The lab uses it for capacity reasoning: capacity ≈ concurrency / mean service time.
   * @default () => 1
   */
  concurrency?: (size: number) => number;
  /** Default size (workers / pool threads) when the user does not pass one. @default 1 */
  defaultSize?: number;
  /** Extra environment for the target process (e.g. NODE_ENV). */
  env?: Record<string, string>;
  /** Seconds to wait for `/health` before the target counts as failed. @default 15 */
  readyTimeoutSeconds?: number;
  /**
   * Start serving. Runs inside the target process (never inside the harness);
   * must listen on ctx.host:ctx.port and keep the process alive.
   */
  start: (ctx: TargetContext) => unknown | Promise<unknown>;
}

export const targetDefinitionSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'must be letters, digits, ".", "_" or "-"' }),
  description: z.string(),
  concurrency: z.custom<(size: number) => number>((v) => typeof v === 'function', { message: 'must be a function (size) => number' }).optional(),
  defaultSize: z.number().int().positive().max(256).default(1),
  env: z.record(z.string()).default({}),
  readyTimeoutSeconds: z.number().positive().max(300).default(15),
  start: z.custom<TargetDefinitionInput['start']>((v) => typeof v === 'function', { message: 'must be a function that starts the server' }),
}).strict();

const TARGET = Symbol.for('loadlab.target');
export type TargetDefinition = TargetDefinitionInput & { readonly [TARGET]: true };

/** Declare a server variant. Export it as the file's default export; the harness finds it. */
export function defineTarget(t: TargetDefinitionInput): TargetDefinition {
  return Object.assign(Object.create(null), t, { [TARGET]: true as const });
}

export function isTargetDefinition(x: unknown): x is TargetDefinition {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TARGET] === true;
}
