import { H1Pool } from './h1.ts';

/**
 * Longest an open drive spends opening its connections before its clock starts. Opened lazily,
 * as arrivals came, every fast knee step opened its whole in-flight cap in its first 200 ms
 * (1,370 connections at 13,700 req/s, 3,770 at 37,700; fastify-hello, 2026-11-29) and that
 * second's p95 was 130–420 ms against a few ms after (docs/knee.md): the lab's cold start, not
 * the server's.
 */
export const PRECONNECT_MS = 1000;

/**
 * A pool for an open drive with up to `maxInFlight` connections already open (`open` of them), each confirmed by
 * one unrecorded `GET /` (the warm-up's request: safe to repeat on any target, whatever its
 * status). Bounded by `withinMs` for starting new ones and `timeoutMs` per answer; an abort
 * closes the pool at once, so Ctrl-C is not held up by a slow server's answers.
 */
export async function preconnectedPool(o: { origin: string; maxInFlight: number; timeoutMs: number; signal: AbortSignal; withinMs?: number }): Promise<{ pool: H1Pool; open: number }> {
  const pool = new H1Pool(o.origin, o.maxInFlight);
  if (o.signal.aborted) return { pool, open: 0 };
  const onAbort = () => { pool.destroy().catch(() => {}); };
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return { pool, open: await pool.preconnect(o.maxInFlight, 'GET', '/', o.withinMs ?? PRECONNECT_MS, o.timeoutMs) };
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}
