import cluster from 'node:cluster';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TargetContext, WorkModel } from './define.ts';
import { mulberry32, serviceTimeMs } from './prng.ts';
import { doWork } from './work.ts';

export const HEALTH_PATH = '/health';
export const ELD_PATH = '/__loadlab/eld';

export interface Reply { status: number; body: unknown }
export interface WorkBody { workMs: number; work: WorkModel; pid: number }
/** Event-loop delay in ms beyond the timer's own interval, since the previous read. */
export interface EldStats {
  p50: number; p99: number; max: number; samples: number;
  /** How many processes the figures cover (a cluster answers with its worst worker); absent = this one. */
  processes?: number;
}
/** Node 20's histogram records each whole timer interval (≈ this when idle), not just the delay beyond it. */
const ELD_RESOLUTION_MS = 10;

export interface ApiOptions {
  /** Added to ctx.seed. @default cluster.worker?.id ?? 0 */
  seedOffset?: number;
  /** Where the work runs (the worker-pool target sends it to a thread). @default doWork in this thread */
  run?: (work: WorkModel, ms: number) => void | Promise<void>;
  /** `/health` answers 503 until this settles (a cluster waits for all its workers). */
  ready?: Promise<unknown>;
  /** Answers the event-loop-delay path from this process's own reading (a cluster gathers all its workers'). */
  eld?: (readLocal: () => EldStats) => () => EldStats | Promise<EldStats>;
}

export interface Api {
  /** Answer any request: every path but the two below is the 10–100 ms endpoint, so profiles may name tasks freely. */
  handle(method: string, path: string): Reply | Promise<Reply>;
}

/**
 * The one API every target serves. Cluster workers get `seed + workerId`: with one shared seed
 * every worker would replay the same draws in lockstep, so the mix the server sees would be
 * N copies of a short prefix instead of one long random sequence — yet each stays reproducible.
 */
export function createApi(ctx: TargetContext, opts: ApiOptions = {}): Api {
  const rand = mulberry32(ctx.seed + (opts.seedOffset ?? cluster.worker?.id ?? 0));
  const run = opts.run ?? doWork;
  let ready = opts.ready === undefined;
  opts.ready?.then(() => { ready = true; }, () => {});
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  const readLocal = (): EldStats => {
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e3 - ELD_RESOLUTION_MS * 1e3) / 1e3) : 0);
    const stats: EldStats = { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), samples: eld.count };
    eld.reset();
    return stats;
  };
  const readEld = opts.eld ? opts.eld(readLocal) : readLocal;

  const work = (): Reply | Promise<Reply> => {
    const ms = serviceTimeMs(rand);
    const reply = (): Reply => ({ status: 200, body: { workMs: Math.round(ms * 1000) / 1000, work: ctx.work, pid: process.pid } satisfies WorkBody });
    const pending = run(ctx.work, ms);
    // Stay synchronous when the work was: a blocking handler must look like a sync server's.
    return pending ? pending.then(reply) : reply();
  };

  return {
    handle(method, path) {
      if (method === 'GET' && path === HEALTH_PATH) {
        return ready ? { status: 200, body: { ok: true } } : { status: 503, body: { ok: false } };
      }
      if (method === 'GET' && path === ELD_PATH) {
        const stats = readEld();
        return stats instanceof Promise ? stats.then((body) => ({ status: 200, body })) : { status: 200, body: stats };
      }
      return work();
    },
  };
}
