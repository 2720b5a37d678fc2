import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { preconnectedPool } from '../../../harness/drive/preconnect.ts';
import type { H1Pool } from '../../../harness/drive/h1.ts';
import { InFlight } from '../../../harness/drive/http.ts';

const pools: H1Pool[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback HTTP server that counts connections and requests, and answers after `delayMs` (never when null). */
async function server(delayMs: number | null) {
  const seen = { conns: 0, requests: 0, paths: [] as string[] };
  const s = createServer((req, res) => {
    seen.requests++;
    seen.paths.push(`${req.method} ${req.url}`);
    if (delayMs !== null) setTimeout(() => res.end('ok'), delayMs);
  });
  s.on('connection', () => { seen.conns++; });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

describe('preconnectedPool: an open drive\'s connections before its clock', () => {
  it('opens maxInFlight connections with one GET / each; a burst that size afterwards opens none', async () => {
    const { origin, seen } = await server(2);
    const { pool, open } = await preconnectedPool({ origin, maxInFlight: 16, timeoutMs: 2000, signal: new AbortController().signal });
    pools.push(pool);
    expect(open).toBe(16);
    expect(seen.conns).toBe(16);
    expect(new Set(seen.paths)).toEqual(new Set(['GET /']));
    const inFlight = new InFlight();
    await Promise.all(Array.from({ length: 16 }, () => inFlight.send(pool, 'GET', '/', 2000)));
    expect(seen.conns).toBe(16);
    expect(seen.requests).toBe(32);
  });

  it('an abort ends it without waiting for a server that never answers (well inside the request timeout)', async () => {
    const { origin, seen } = await server(null);
    const stop = new AbortController();
    const t0 = performance.now();
    setTimeout(() => stop.abort(), 100);
    const { pool, open } = await preconnectedPool({ origin, maxInFlight: 16, timeoutMs: 30_000, signal: stop.signal });
    pools.push(pool);
    expect(open).toBe(0);
    expect(seen.requests).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('an aborted run opens nothing', async () => {
    const { origin, seen } = await server(2);
    const stop = new AbortController();
    stop.abort();
    const { pool, open } = await preconnectedPool({ origin, maxInFlight: 16, timeoutMs: 2000, signal: stop.signal });
    pools.push(pool);
    expect(open).toBe(0);
    expect(seen.conns).toBe(0);
  });
});
