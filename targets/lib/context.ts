import { z } from 'zod';
import { WORK_MODELS, type TargetContext } from './define.ts';

const envSchema = z.object({
  LOADLAB_PORT: z.coerce.number().int().min(1).max(65535),
  LOADLAB_WORK: z.enum(WORK_MODELS),
  LOADLAB_SEED: z.coerce.number().int(),
  LOADLAB_SIZE: z.coerce.number().int().positive().max(256),
});

/** The harness passes the context through the environment so cluster workers inherit it for free. */
export function readContext(env: NodeJS.ProcessEnv = process.env): TargetContext {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new Error(`Invalid target environment: ${issues.join('; ')}`);
  }
  const e = r.data;
  return { host: '127.0.0.1', port: e.LOADLAB_PORT, work: e.LOADLAB_WORK, seed: e.LOADLAB_SEED, size: e.LOADLAB_SIZE };
}

/** The environment that makes `readContext` return `ctx` (host is always 127.0.0.1). */
export function contextEnv(ctx: Omit<TargetContext, 'host'>): Record<string, string> {
  return {
    LOADLAB_PORT: String(ctx.port),
    LOADLAB_WORK: ctx.work,
    LOADLAB_SEED: String(ctx.seed),
    LOADLAB_SIZE: String(ctx.size),
  };
}
