import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../../../harness/drive/classify.ts';
import { connections, type HttpClient } from '../../../harness/drive/connections.ts';
import { InFlight, sendRequest, type Sender } from '../../../harness/drive/http.ts';
import { freePort } from '../../../harness/spawn/start-target.ts';

const BIG = Buffer.alloc(1 << 20, 'x');

// Both clients must behave alike: the lab's own (the drivers' default) and undici's.
describe.each<HttpClient>(['lab', 'undici'])('sendRequest with the %s client', (kind) => {
  let server: Server;
  let origin = '';
  const clients: Sender[] = [];
  const client = (at = origin) => {
    const c = connections(at, 1, 2000, kind);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') res.end('ok');
      else if (req.url === '/fail') { res.statusCode = 500; res.end('no'); }
      else if (req.url === '/big') res.end(BIG);
      else if (req.url === '/slow-body') { res.write('part'); /* never ends */ }
      else if (req.url === '/reset') req.socket.destroy();
      // '/hang': no answer at all
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.destroy()));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves with 200 for a good response', async () => {
    expect(await sendRequest(client(), 'GET', '/ok', 2000)).toBe(200);
  });

  it('resolves with the status of an HTTP error, which the driver counts as `http`', async () => {
    expect(await sendRequest(client(), 'GET', '/fail', 2000)).toBe(500);
  });

  it('resolves only after the whole body arrived, and the connection serves the next request', async () => {
    const c = client();
    expect(await sendRequest(c, 'GET', '/big', 2000)).toBe(200);
    expect(await sendRequest(c, 'GET', '/ok', 2000)).toBe(200);
  });

  it.each([100, 20, 1])('a %i ms timeout fires within a few ms of it, measured by the lab\'s own timer', async (timeoutMs) => {
    const c = client();
    // A connection already open: the time measured is the request's, not the connect's.
    expect(await sendRequest(c, 'GET', '/ok', 2000)).toBe(200);
    const started = performance.now();
    const err = await sendRequest(c, 'GET', '/hang', timeoutMs).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(classifyError(err)).toMatchObject({ kind: 'timeout', message: `LOADLAB_TIMEOUT: no complete response within ${timeoutMs} ms` });
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 1);
    // undici's own timers tick every ~0.5 s (100 ms fired at ~500 ms, 1 ms never): 40 ms is a wide margin on 2 shared cores.
    expect(took).toBeLessThan(timeoutMs + 40);
  });

  it('a request cut by its owner rejects at once with the reason given, and the connection is freed', async () => {
    const c = client();
    const inFlight = new InFlight();
    const pending = inFlight.send(c, 'GET', '/hang', 60_000).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(inFlight.size).toBe(1);
    inFlight.cut(new Error('drain limit'));
    expect(((await pending) as Error).message).toBe('drain limit');
    expect(inFlight.size).toBe(0);
    expect(await sendRequest(c, 'GET', '/ok', 2000)).toBe(200);
  });

  it('rejects a body that stalls as a timeout', async () => {
    const started = performance.now();
    const err = await sendRequest(client(), 'GET', '/slow-body', 300).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(300 * 1.5);
  });

  it('rejects a connection the server drops as a reset', async () => {
    const err = await sendRequest(client(), 'GET', '/reset', 2000).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('reset');
  });

  it('rejects a closed port as refused', async () => {
    const port = await freePort();
    const c = client(`http://127.0.0.1:${port}`);
    const err = await sendRequest(c, 'GET', '/', 2000).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('refused');
  });
});
