import { z } from 'zod';

/** Hard cap on any profile's length, so a typo can never start an endless run. */
export const MAX_DURATION_S = 3600;
/**
 * Highest open-model arrival rate (req/s): a bound against typos, not a promise. On this lab's
 * two shared cores the open driver kept 60,000 req/s against a trivial server (bench figure 2,
 * ~14 µs of CPU per request); far above that the generator, not the server, sets the pace, and
 * the validity checks say so. The schedule is a generator and each wake-up handles a bounded
 * batch, so memory stays flat and signals are served whatever the rate.
 */
export const MAX_RATE = 100_000;
/**
 * Most virtual users (closed) or requests in flight (open): each is a connection to one
 * host:port, and Linux hands out 28,232 ephemeral ports per destination by default.
 */
export const MAX_CONNECTIONS = 20_000;
/** Highest per-request timeout, as `--timeout-ms` allows: every run must end by itself. */
export const MAX_TIMEOUT_MS = 600_000;

const seconds = z.number({ invalid_type_error: 'must be a number of seconds' }).finite();

/** How long a virtual user waits between two tasks (Locust's `wait_time`). */
export const waitTimeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('between'), min: seconds.min(0), max: seconds.min(0) }).strict(),
  z.object({ kind: z.literal('constant'), seconds: seconds.min(0) }).strict(),
  // Each loop takes at least `seconds`, however long the request took (Locust's constant_pacing).
  z.object({ kind: z.literal('constantPacing'), seconds: seconds.positive() }).strict(),
]).superRefine((w, ctx) => {
  if (w.kind === 'between' && w.min > w.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `must be ≤ max (${w.max})` });
});
export type WaitTime = z.infer<typeof waitTimeSchema>;

export const between = (min: number, max: number): WaitTime => ({ kind: 'between', min, max });
export const constant = (s: number): WaitTime => ({ kind: 'constant', seconds: s });
export const constantPacing = (s: number): WaitTime => ({ kind: 'constantPacing', seconds: s });

export const taskSchema = z.object({
  name: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('GET'),
  path: z.string().startsWith('/', { message: 'must start with "/"' }),
  weight: z.number().int().positive().default(1),
}).strict();
export type Task = z.infer<typeof taskSchema>;
export type TaskInput = z.input<typeof taskSchema>;

/**
 * A stage's optional name: thresholds can scope to it (`@stage=peak`), which survives adding a
 * stage before it where `@stage=3` would not.
 */
const stageName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'must be letters, digits, ".", "_" or "-"' }).refine((n) => !/^\d+$/.test(n), { message: 'must not be only digits (@stage=N means the N-th stage)' }).optional();

/**
 * A k6-style threshold, judged once the run ends (docs/thresholds.md): an expression as `--assert`
 * takes it (`'p95<300ms@every-stage'`), or the same as an object. The harness checks the value
 * and scope against the grammar (harness/analysis/threshold-parse.ts) when it loads the profile.
 */
export const thresholdObjectSchema = z.object({
  metric: z.enum(['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'rps', 'errors']),
  op: z.enum(['<', '<=', '>', '>=']),
  /** '300ms', '1.5s', '1%', 40 (req/s), '0.9*offered'. */
  value: z.union([z.string().min(1), z.number().finite().min(0)]),
  /** 'run' (default), 'every-stage', 'stage=3' (from 1) or 'stage=NAME'. */
  scope: z.string().min(1).optional(),
  /** One target's name; default: every target of the run. */
  target: z.string().min(1).optional(),
}).strict();

const thresholdStringSchema = z.string().min(1);

// A string or an object, checked by the schema of its own kind: a union would report only "invalid input".
export const thresholdSchema = z.custom<z.infer<typeof thresholdObjectSchema> | string>(() => true).superRefine((v, ctx) => {
  const r = typeof v === 'string' ? thresholdStringSchema.safeParse(v) : thresholdObjectSchema.safeParse(v);
  if (r.success) return;
  for (const { message: _zodDefault, ...issue } of r.error.issues) ctx.addIssue(issue as z.IssueData);
});
export type ThresholdInput = z.infer<typeof thresholdObjectSchema> | string;

/** Closed-model stage: from `at` seconds, move toward `users` at `spawnRate` users/s. */
export const userStageSchema = z.object({
  at: seconds.min(0),
  users: z.number().int({ message: 'must be a whole number' }).min(0).max(MAX_CONNECTIONS),
  spawnRate: z.number().finite().positive().max(MAX_CONNECTIONS),
  name: stageName,
}).strict();
export type UserStage = z.infer<typeof userStageSchema>;

/** Open-model stage: from `at` seconds the arrival rate goes linearly from `from` (default: `rate`) to `rate` by the next stage. */
export const rateStageSchema = z.object({
  at: seconds.min(0),
  rate: z.number().finite().min(0).max(MAX_RATE),
  from: z.number().finite().min(0).max(MAX_RATE).optional(),
  name: stageName,
}).strict();
export type RateStage = z.infer<typeof rateStageSchema>;

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'must be letters, digits, ".", "_" or "-"' }),
  description: z.string().default(''),
  duration: seconds.positive().max(MAX_DURATION_S),
  tasks: z.array(taskSchema).min(1, { message: 'must list at least one task' })
    .default([{ name: 'index', path: '/' }]),
  /** Per-request timeout; a request slower than this counts as a `timeout` error. */
  timeoutMs: z.number().int().positive().max(MAX_TIMEOUT_MS).default(10_000),
  /** Warm-up before measuring (not recorded): a few requests at low load. */
  warmupSeconds: seconds.min(0).max(60).default(2),
  /**
   * 'keep-alive': each virtual user (open model: each pooled connection) keeps its connection, as
   * Locust and browsers do; 'close': a new connection for every request (`Connection: close`), as
   * HTTP/1.0 clients do and as Flask's one-thread development server forces on its clients.
   */
  connection: z.enum(['keep-alive', 'close']).default('keep-alive'),
  /**
   * Pass / fail rules on the results; a failed one makes the run exit 3 (docs/thresholds.md).
   * No default: a profile without any hashes as before (compare's profileHash).
   */
  thresholds: z.array(thresholdSchema).optional(),
};

function stagesInOrder<T extends { at: number; name?: string | undefined }>(stages: T[], ctx: z.RefinementCtx) {
  const named = new Map<string, number>();
  stages.forEach((s, i) => {
    if (s.name === undefined) return;
    const first = named.get(s.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `must differ from stages[${first}].name, got "${s.name}" twice` });
    else named.set(s.name, i);
  });
  stages.forEach((s, i) => {
    const prev = stages[i - 1];
    if (prev && s.at <= prev.at) {
      ctx.addIssue({ code: 'custom', path: ['stages', i, 'at'], message: `must be after stages[${i - 1}].at (${prev.at}), got ${s.at}` });
    }
  });
  if (stages[0] && stages[0].at !== 0) ctx.addIssue({ code: 'custom', path: ['stages', 0, 'at'], message: `must be 0, got ${stages[0].at}` });
}

export const closedProfileSchema = z.object({
  ...common,
  model: z.literal('closed').default('closed'),
  wait: waitTimeSchema.default({ kind: 'between', min: 0.5, max: 1 }),
  stages: z.array(userStageSchema).min(1, { message: 'must list at least one stage' }),
}).strict().superRefine((p, ctx) => {
  stagesInOrder(p.stages, ctx);
  p.stages.forEach((s, i) => {
    if (s.at >= p.duration) ctx.addIssue({ code: 'custom', path: ['stages', i, 'at'], message: `must be before duration (${p.duration}), got ${s.at}` });
  });
});

export const openProfileSchema = z.object({
  ...common,
  model: z.literal('open'),
  stages: z.array(rateStageSchema).min(1, { message: 'must list at least one stage' }),
  /**
   * Requests outstanding at the server at once. An arrival that finds them all busy waits for one
   * (first come, first sent; its wait counts in its latency, timed from its intended time) and is
   * dropped and counted if none frees within 100 ms of its time (harness/drive/open.ts MAX_WAIT_MS).
   */
  maxInFlight: z.number().int().positive().max(MAX_CONNECTIONS).default(256),
}).strict().superRefine((p, ctx) => {
  stagesInOrder(p.stages, ctx);
  p.stages.forEach((s, i) => {
    if (s.at >= p.duration) ctx.addIssue({ code: 'custom', path: ['stages', i, 'at'], message: `must be before duration (${p.duration}), got ${s.at}` });
  });
});

export const profileSchema = z.union([closedProfileSchema, openProfileSchema]);

export type ClosedProfile = z.infer<typeof closedProfileSchema>;
export type OpenProfile = z.infer<typeof openProfileSchema>;
export type Profile = ClosedProfile | OpenProfile;
export type ClosedProfileInput = z.input<typeof closedProfileSchema>;
export type OpenProfileInput = z.input<typeof openProfileSchema>;

const PROFILE = Symbol.for('loadlab.profile');

/** A profile as written in a file; validated when the harness loads it, so errors name the file. */
export type ProfileDefinition = (ClosedProfileInput | OpenProfileInput) & { readonly [PROFILE]: true };

/** Declare a load profile. Export it as the file's default export; the harness finds it. */
export function defineProfile(p: ClosedProfileInput | OpenProfileInput): ProfileDefinition {
  return Object.assign(Object.create(null), p, { [PROFILE]: true as const });
}

export function isProfileDefinition(x: unknown): x is ProfileDefinition {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PROFILE] === true;
}

/**
 * "Add `users` every `everySeconds`, `steps` times": the stages of a step load.
 * Each step spawns its users within one second, so the steady part of a step is most of it.
 */
export function step(o: { users: number; everySeconds: number; steps: number; startAt?: number }): UserStage[] {
  const start = o.startAt ?? 0;
  return Array.from({ length: o.steps }, (_, i) => ({
    at: start + i * o.everySeconds,
    users: o.users * (i + 1),
    spawnRate: Math.max(o.users, 1),
  }));
}

/** Validate with the schema of the profile's own model, so errors name fields rather than "invalid union". */
export function profileSchemaFor(input: unknown) {
  const model = (input as { model?: unknown } | null)?.model;
  return model === 'open' ? openProfileSchema : closedProfileSchema;
}
