import net from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../../harness/drive/classify.ts';
import { H1Pool } from '../../../harness/drive/h1.ts';
import { InFlight } from '../../../harness/drive/http.ts';

const pools: H1Pool[] = [];
const servers: (net.Server | HttpServer)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.destroy()));
  for (const s of servers.splice(0)) {
    if ('closeAllConnections' in s) s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/**
 * A raw TCP server answering each request (one per connection at a time) with `reply`'s
 * pieces, 5 ms apart so they reach the client as separate reads.
 */
async function raw(reply: (n: number) => (string | 'END')[]): Promise<{ origin: string; conns: () => number }> {
  let n = 0;
  let conns = 0;
  const server = net.createServer((socket) => {
    conns++;
    let buffered = '';
    socket.on('data', async (d) => {
      buffered += d.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        for (const piece of reply(n++)) {
          await sleep(5);
          if (piece === 'END') socket.end();
          else if (!socket.destroyed) socket.write(piece);
        }
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, conns: () => conns };
}

function pool(origin: string, max = 1) {
  const p = new H1Pool(origin, max);
  pools.push(p);
  const inFlight = new InFlight();
  return { send: (path = '/', method: 'GET' | 'POST' = 'GET', timeoutMs = 2000) => inFlight.send(p, method, path, timeoutMs), inFlight };
}

describe('H1Pool reads each way HTTP/1.1 frames a body', () => {
  it('a chunked body with extensions and trailers, arriving in pieces', async () => {
    const { origin, conns } = await raw(() => ['HTTP/1.1 200 OK\r\nTransfer-', 'Encoding: chunked\r\n\r\n4;ext=1\r', '\nabcd\r\n', 'A\r\n0123456789\r\n0\r\nx-trailer: 1\r\n', '\r\n']);
    const { send } = pool(origin);
    expect(await send()).toBe(200);
    expect(await send()).toBe(200);
    expect(conns()).toBe(1);
  });

  it('Content-Length split across reads, then the next request on the same connection', async () => {
    const { origin, conns } = await raw((n) => [`HTTP/1.1 ${n === 0 ? 201 : 200} Created\r\ncontent-length: 10\r\n\r\n01234`, '56789']);
    const { send } = pool(origin);
    expect(await send()).toBe(201);
    expect(await send()).toBe(200);
    expect(conns()).toBe(1);
  });

  it('informational 1xx heads before the response', async () => {
    const { origin } = await raw(() => ['HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    expect(await pool(origin).send()).toBe(200);
  });

  it('no length and not chunked: the body runs until the server closes, then a new connection', async () => {
    const { origin, conns } = await raw(() => ['HTTP/1.1 200 OK\r\n\r\nsome', ' body', 'END']);
    const { send } = pool(origin);
    expect(await send()).toBe(200);
    expect(await send()).toBe(200);
    expect(conns()).toBe(2);
  });

  it('header names and the keep-alive token in any case: an HTTP/1.0 keep-alive answer keeps its connection', async () => {
    const { origin, conns } = await raw(() => ['HTTP/1.0 200 OK\r\nCONNECTION: \tKeep-Alive \r\ncontent-LENGTH: 2\r\n\r\nok']);
    const { send } = pool(origin);
    expect(await send()).toBe(200);
    expect(await send()).toBe(200);
    expect(conns()).toBe(1);
  });

  it('Connection: close from the server: the next request opens a new connection', async () => {
    const { origin, conns } = await raw(() => ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok', 'END']);
    const { send } = pool(origin);
    expect(await send()).toBe(200);
    expect(await send()).toBe(200);
    expect(conns()).toBe(2);
  });

  it('204 and 304 have no body whatever their headers say', async () => {
    const { origin } = await raw((n) => [`HTTP/1.1 ${n % 2 ? 304 : 204} X\r\nContent-Length: 10\r\n\r\n`]);
    const { send } = pool(origin);
    expect(await send()).toBe(204);
    expect(await send()).toBe(304);
  });

  it('a response that is not HTTP is an error of kind other; a close mid-body is a reset', async () => {
    const bad = await raw(() => ['SSH-2.0-OpenSSH\r\n\r\n']);
    expect(classifyError(await pool(bad.origin).send().catch((e: unknown) => e))).toMatchObject({ kind: 'other', message: expect.stringMatching(/^LOADLAB_PROTOCOL/) });
    const cut = await raw(() => ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort', 'END']);
    expect(classifyError(await pool(cut.origin).send().catch((e: unknown) => e)).kind).toBe('reset');
  });
});

describe('H1Pool against node:http', () => {
  it('at most `connections` sockets; requests beyond them wait for a free one', async () => {
    let conns = 0;
    let most = 0;
    let now = 0;
    const server = createHttpServer((req, res) => {
      most = Math.max(most, ++now);
      setTimeout(() => { now--; res.end(req.method); }, 30);
    });
    server.on('connection', () => { conns++; });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { send } = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 3);
    const statuses = await Promise.all(Array.from({ length: 9 }, (_, i) => send('/', i % 2 ? 'POST' : 'GET')));
    expect(statuses).toEqual(Array(9).fill(200));
    expect(conns).toBe(3);
    expect(most).toBe(3);
  });

  it('an idle keep-alive connection the server closed is replaced, not reported as an error', async () => {
    const server = createHttpServer({ keepAliveTimeout: 50 }, (_req, res) => res.end('ok'));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { send } = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(await send()).toBe(200);
    await sleep(200);
    expect(await send()).toBe(200);
  });

  it('a timeout while waiting for a free connection fails that request only', async () => {
    const server = createHttpServer((req, res) => { if (req.url !== '/hang') res.end('ok'); });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { send, inFlight } = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    const hang = send('/hang', 'GET', 300).catch((e: unknown) => e);
    const queued = send('/', 'GET', 100).catch((e: unknown) => e);
    expect(classifyError(await queued).kind).toBe('timeout');
    expect(classifyError(await hang).kind).toBe('timeout');
    // The hung request's connection was closed; the pool opens another.
    expect(await send()).toBe(200);
    expect(inFlight.size).toBe(0);
  });
});

describe('H1Pool.preconnect: connections opened before they are needed', () => {
  /** An HTTP server counting connections, requests and the most answered at once (each `delayMs`). */
  async function counting(delayMs: number, close = false) {
    const seen = { conns: 0, requests: 0, most: 0, now: 0 };
    const server = createHttpServer((_req, res) => {
      seen.requests++;
      seen.most = Math.max(seen.most, ++seen.now);
      setTimeout(() => { seen.now--; if (close) res.setHeader('connection', 'close'); res.end('ok'); }, delayMs);
    });
    server.on('connection', () => { seen.conns++; });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('opens n, each confirmed by one answer, at most `burst` at a time; a burst of n requests after it opens none', async () => {
    const { origin, seen } = await counting(5);
    const p = new H1Pool(origin, 20);
    pools.push(p);
    expect(await p.preconnect(20, 'GET', '/', 5000, 2000, 4)).toBe(20);
    expect(seen).toMatchObject({ conns: 20, requests: 20 });
    expect(seen.most).toBeLessThanOrEqual(4);
    // Opened lazily (the old knee step), this burst opened all 20 connections on arrival.
    const inFlight = new InFlight();
    const statuses = await Promise.all(Array.from({ length: 20 }, () => inFlight.send(p, 'GET', '/', 2000)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(seen.conns).toBe(20);
    expect(seen.requests).toBe(40);
  });

  it('never past the pool\'s own size, and no new connection after `withinMs`', async () => {
    const { origin, seen } = await counting(50);
    const p = new H1Pool(origin, 5);
    pools.push(p);
    expect(await p.preconnect(100, 'GET', '/', 5000, 2000, 2)).toBe(5);
    expect(seen.conns).toBe(5);
    const q = new H1Pool(origin, 100);
    pools.push(q);
    // Each answer takes ≥ 50 ms: two at a time for 120 ms start at most 3 each.
    const open = await q.preconnect(100, 'GET', '/', 120, 2000, 2);
    expect(open).toBeGreaterThanOrEqual(2);
    expect(open).toBeLessThanOrEqual(6);
  });

  it('stops after the first answers when the server closes each connection (a one-connection-at-a-time server)', async () => {
    const { origin, seen } = await counting(5, true);
    const p = new H1Pool(origin, 50);
    pools.push(p);
    expect(await p.preconnect(50, 'GET', '/', 5000, 2000, 4)).toBe(0);
    expect(seen.requests).toBeLessThanOrEqual(4);
  });
});
