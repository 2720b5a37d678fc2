import { performance } from 'node:perf_hooks';
import { connections } from './connections.ts';
import { sendRequest } from './http.ts';

/** Connections used to warm up: enough to touch every worker of a small pool once or twice. */
const WARMUP_CONNECTIONS = 2;

/** What the warm-up saw: its successful responses and their mean latency (ms; null without any). */
export interface WarmUpResult { ok: number; meanMs: number | null }

/**
 * A few seconds of light, unrecorded traffic so JIT compilation, lazy requires and the
 * first connections do not land in the first stage's numbers. Errors are ignored here:
 * a broken target shows up in the measured run, counted by kind. No request outlives the
 * warm-up: a server that never answers cannot hold it for the profile's timeoutMs. The mean
 * latency of its 2xx answers is the lab's only estimate of a `--url` server's service time.
 * It sends with the drives' own client (h1.ts), so the code compiled before t = 0 is the code
 * that sends the measured requests (with undici, the lab's client started the run cold).
 */
export async function warmUp(o: { origin: string; seconds: number; timeoutMs: number; signal: AbortSignal }): Promise<WarmUpResult> {
  let ok = 0;
  let totalMs = 0;
  if (o.seconds <= 0) return { ok, meanMs: null };
  const end = performance.now() + o.seconds * 1000;
  await Promise.all(Array.from({ length: WARMUP_CONNECTIONS }, async () => {
    const client = connections(o.origin, 1, o.timeoutMs);
    const onAbort = () => { client.destroy().catch(() => {}); };
    o.signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (performance.now() < end && !o.signal.aborted) {
        try {
          const sent = performance.now();
          const status = await sendRequest(client, 'GET', '/', Math.max(1, Math.min(o.timeoutMs, end - performance.now())));
          if (status >= 200 && status < 300) {
            ok++;
            totalMs += performance.now() - sent;
          }
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      o.signal.removeEventListener('abort', onAbort);
      await client.destroy().catch(() => {});
    }
  }));
  return { ok, meanMs: ok ? Math.round((totalMs / ok) * 1000) / 1000 : null };
}
