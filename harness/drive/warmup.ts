import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { sendRequest } from './http.ts';

/** Connections used to warm up: enough to touch every worker of a small pool once or twice. */
const WARMUP_CONNECTIONS = 2;

/**
 * A few seconds of light, unrecorded traffic so JIT compilation, lazy requires and the
 * first connections do not land in the first stage's numbers. Errors are ignored here:
 * a broken target shows up in the measured run, counted by kind. No request outlives the
 * warm-up: a server that never answers cannot hold it for the profile's timeoutMs.
 */
export async function warmUp(o: { origin: string; seconds: number; timeoutMs: number; signal: AbortSignal }): Promise<void> {
  if (o.seconds <= 0) return;
  const end = performance.now() + o.seconds * 1000;
  await Promise.all(Array.from({ length: WARMUP_CONNECTIONS }, async () => {
    const client = new Client(o.origin, { headersTimeout: 0, bodyTimeout: 0 });
    const onAbort = () => { client.destroy().catch(() => {}); };
    o.signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (performance.now() < end && !o.signal.aborted) {
        try {
          await sendRequest(client, 'GET', '/', Math.max(1, Math.min(o.timeoutMs, end - performance.now())));
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      o.signal.removeEventListener('abort', onAbort);
      await client.destroy().catch(() => {});
    }
  }));
}
