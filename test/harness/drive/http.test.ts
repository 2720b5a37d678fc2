import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'undici';
import { classifyError } from '../../../harness/drive/classify.ts';
import { sendRequest } from '../../../harness/drive/http.ts';
import { freePort } from '../../../harness/spawn/start-target.ts';

const BIG = Buffer.alloc(1 << 20, 'x');

describe('sendRequest', () => {
  let server: Server;
  let origin = '';
  const clients: Client[] = [];
  const client = () => {
    const c = new Client(origin);
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

  it('rejects a response that never starts as a timeout, soon after timeoutMs', async () => {
    const started = performance.now();
    const err = await sendRequest(client(), 'GET', '/hang', 300).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(classifyError(err).kind).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(250);
    // undici's header/body timers tick every ~0.5 s, so a 300 ms timeout fires within about a second.
    expect(took).toBeLessThan(2000);
  });

  it('rejects a body that stalls as a timeout', async () => {
    const err = await sendRequest(client(), 'GET', '/slow-body', 300).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('timeout');
  });

  it('rejects a connection the server drops as a reset', async () => {
    const err = await sendRequest(client(), 'GET', '/reset', 2000).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('reset');
  });

  it('rejects a closed port as refused', async () => {
    const port = await freePort();
    const c = new Client(`http://127.0.0.1:${port}`);
    clients.push(c);
    const err = await sendRequest(c, 'GET', '/', 2000).catch((e: unknown) => e);
    expect(classifyError(err).kind).toBe('refused');
  });
});
