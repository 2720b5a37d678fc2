import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { warmUp } from '../../../harness/drive/warmup.ts';
import { H1Pool } from '../../../harness/drive/h1.ts';
import { sendRequest } from '../../../harness/drive/http.ts';

interface Probe { origin: string; requests: () => number; maxInFlight: () => number; server: Server }
const open: Server[] = [];

/** An in-process server on an ephemeral loopback port that counts requests and how many overlap. */
async function serve(answer: (res: ServerResponse) => void): Promise<Probe> {
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((_req, res) => {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => { inFlight--; });
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push(server);
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, maxInFlight: () => maxInFlight, server };
}

afterEach(async () => {
  for (const s of open.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

describe('warmUp', () => {
  it('sends light traffic for about the seconds asked, over at most two connections, and nothing after it returns', async () => {
    const p = await serve((res) => setTimeout(() => res.end('ok'), 10));
    const took = await timed(() => warmUp({ origin: p.origin, seconds: 0.6, timeoutMs: 10_000, signal: new AbortController().signal }));
    expect(took).toBeGreaterThan(0.5);
    expect(took).toBeLessThan(3);
    // ≈ 2 connections × 0.6 s / 10 ms ≈ 120 requests; wide bounds for a shared machine.
    expect(p.requests()).toBeGreaterThan(10);
    expect(p.maxInFlight()).toBeLessThanOrEqual(2);
    const atReturn = p.requests();
    await delay(200);
    expect(p.requests()).toBe(atReturn);
  });

  it('reports the mean latency of its successful answers (a --url server\'s only service-time estimate)', async () => {
    const p = await serve((res) => setTimeout(() => res.end('ok'), 30));
    const w = await warmUp({ origin: p.origin, seconds: 0.5, timeoutMs: 10_000, signal: new AbortController().signal });
    expect(w.ok).toBeGreaterThan(3);
    // At least the server's 30 ms; wide upper margin for two shared cores.
    expect(w.meanMs!).toBeGreaterThanOrEqual(29);
    expect(w.meanMs!).toBeLessThan(150);
  });

  it('sends with the drives\' own client, so the code that sends the measured requests is the code it warms', async () => {
    const heads: string[][] = [];
    const p = await serve((res) => { heads.push(res.req.rawHeaders); res.end('ok'); });
    await warmUp({ origin: p.origin, seconds: 0.2, timeoutMs: 10_000, signal: new AbortController().signal });
    const pool = new H1Pool(p.origin, 1);
    await sendRequest(pool, 'GET', '/', 10_000);
    await pool.destroy();
    // The lab's client sends a host header and nothing else; undici adds `connection: keep-alive`.
    const drive = heads.pop()!;
    expect(drive.map((h, i) => (i % 2 ? h : h.toLowerCase()))).toEqual(['host', p.origin.slice('http://'.length)]);
    expect(heads.length).toBeGreaterThan(0);
    for (const warm of heads) expect(warm).toEqual(drive);
  });

  it('sends nothing when the profile has no warm-up', async () => {
    const p = await serve((res) => res.end('ok'));
    await warmUp({ origin: p.origin, seconds: 0, timeoutMs: 10_000, signal: new AbortController().signal });
    expect(p.requests()).toBe(0);
  });

  it('ignores errors: a server answering 500, and a port nobody listens on', async () => {
    const failing = await serve((res) => { res.statusCode = 500; res.end('no'); });
    // No 2xx answer: no latency to estimate a service time from.
    await expect(warmUp({ origin: failing.origin, seconds: 0.3, timeoutMs: 10_000, signal: new AbortController().signal })).resolves.toEqual({ ok: 0, meanMs: null });
    expect(failing.requests()).toBeGreaterThan(0);
    const gone = await serve((res) => res.end());
    const origin = gone.origin;
    await new Promise((r) => gone.server.close(r));
    const took = await timed(() => warmUp({ origin, seconds: 0.3, timeoutMs: 10_000, signal: new AbortController().signal }));
    expect(took).toBeLessThan(3);
  });

  it('a server that never answers cannot hold the warm-up for the request timeout', async () => {
    const p = await serve(() => { /* never answers */ });
    const took = await timed(() => warmUp({ origin: p.origin, seconds: 0.5, timeoutMs: 60_000, signal: new AbortController().signal }));
    // Bounded by the warm-up's own length (plus slack), not by the 60-s timeout.
    expect(took).toBeLessThan(5);
    expect(p.requests()).toBeGreaterThan(0);
  });

  it('stops soon after its signal is aborted', async () => {
    const p = await serve((res) => setTimeout(() => res.end('ok'), 10));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const took = await timed(() => warmUp({ origin: p.origin, seconds: 30, timeoutMs: 10_000, signal: ac.signal }));
    expect(took).toBeLessThan(3);
    const atReturn = p.requests();
    await delay(200);
    expect(p.requests()).toBe(atReturn);
  });
});
