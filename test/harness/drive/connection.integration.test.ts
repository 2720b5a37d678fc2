import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveClosed } from '../../../harness/drive/closed.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import { stageWindows } from '../../../harness/analysis/schedule.ts';
import { closedProfileSchema } from '../../../profiles/lib/define.ts';

let server: Server;
let origin = '';
let connections = 0;
let requests = 0;
const closeHeaders: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    closeHeaders.push(req.headers.connection ?? '');
    res.end('ok');
  });
  server.on('connection', () => { connections++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function drive(connection: 'keep-alive' | 'close') {
  connections = 0;
  requests = 0;
  closeHeaders.length = 0;
  const profile = closedProfileSchema.parse({ name: 'c', duration: 1, connection, wait: { kind: 'constant', seconds: 0.05 }, stages: [{ at: 0, users: 2, spawnRate: 100 }] });
  const recorder = new Recorder({ windows: stageWindows(profile), duration: 1, expectedIntervalUs: null });
  await driveClosed({ origin, profile, recorder, seed: 1, signal: new AbortController().signal });
  return { connections, requests };
}

describe('--connection', () => {
  it('keep-alive: each virtual user sends every request on its one connection', async () => {
    const r = await drive('keep-alive');
    expect(r.requests).toBeGreaterThan(10);
    expect(r.connections).toBe(2);
  });

  it('close: a new connection for every request, announced with Connection: close', async () => {
    const r = await drive('close');
    expect(r.requests).toBeGreaterThan(10);
    expect(r.connections).toBe(r.requests);
    expect(new Set(closeHeaders)).toEqual(new Set(['close']));
  });
});
