import { performance } from 'node:perf_hooks';
import { Client } from 'undici';

/** Connections used to warm up: enough to touch every worker of a small pool once or twice. */
const WARMUP_CONNECTIONS = 2;

/**
 * A few seconds of light, unrecorded traffic so JIT compilation, lazy requires and the
 * first connections do not land in the first stage's numbers. Errors are ignored here:
 * a broken target shows up in the measured run, counted by kind.
 */
export async function warmUp(o: { origin: string; seconds: number; timeoutMs: number; signal: AbortSignal }): Promise<void> {
  if (o.seconds <= 0) return;
  const end = performance.now() + o.seconds * 1000;
  await Promise.all(Array.from({ length: WARMUP_CONNECTIONS }, async () => {
    const client = new Client(o.origin, { headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
    try {
      while (performance.now() < end && !o.signal.aborted) {
        try {
          const res = await client.request({ path: '/', method: 'GET', signal: o.signal });
          await res.body.dump();
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      await client.destroy().catch(() => {});
    }
  }));
}
