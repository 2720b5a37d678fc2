import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedProfileSchema, constant, type ClosedProfileInput } from '../../../profiles/lib/define.ts';
import { driveClosed, ERROR_BACKOFF_S } from '../../../harness/drive/closed.ts';
import type { Recorder } from '../../../harness/record/recorder.ts';
import type { ErrorKind } from '../../../harness/results/format.ts';
import { freePort } from '../../../harness/spawn/start-target.ts';

const servers: Server[] = [];

/** Each request as the server saw it: when (ms since the first) and on which connection (in connect order). */
interface Hit { at: number; conn: number }

async function serve(o: { hang?: boolean } = {}): Promise<{ origin: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  let first = 0;
  let conns = 0;
  const server = createServer((req, res) => {
    first ||= performance.now();
    hits.push({ at: performance.now() - first, conn: (req.socket as unknown as { n: number }).n });
    if (!o.hang) res.end('ok');
  });
  server.on('connection', (s) => { (s as unknown as { n: number }).n = conns++; });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A recorder that keeps what the driver told it, so the driver is tested alone. */
function spyRecorder() {
  const users: [number, number][] = [];
  const oks: number[] = [];
  const errors: { t: number; kind: ErrorKind; message: string }[] = [];
  const recorder = {
    ok: (t: number) => { oks.push(t); },
    error: (t: number, kind: ErrorKind, message: string) => { errors.push({ t, kind, message }); },
    users: (t: number, n: number) => { users.push([t, n]); },
    served: () => {},
    dropped: () => {},
  } as unknown as Recorder;
  return { recorder, users, oks, errors };
}

async function drive(origin: string, input: Omit<ClosedProfileInput, 'name'>, extra: { drainMs?: number; signal?: AbortSignal } = {}) {
  const profile = closedProfileSchema.parse({ name: 'test', warmupSeconds: 0, ...input });
  const spy = spyRecorder();
  const t0 = performance.now();
  await driveClosed({ origin, profile, recorder: spy.recorder, seed: 1, signal: extra.signal ?? new AbortController().signal, ...(extra.drainMs ? { drainMs: extra.drainMs } : {}) });
  return { ...spy, tookMs: performance.now() - t0 };
}

describe('driveClosed alone', () => {
  it('ramps users at the spawn rate, one at a time', async () => {
    const { origin } = await serve();
    const { users } = await drive(origin, { stages: [{ at: 0, users: 4, spawnRate: 4 }], duration: 1.6, wait: constant(0.1) });
    const at = (t: number) => users.filter(([u]) => u <= t).at(-1)?.[1] ?? 0;
    expect(at(0.2)).toBeLessThanOrEqual(1);
    expect(at(0.6)).toBeLessThanOrEqual(3);
    expect(Math.max(...users.map(([, n]) => n))).toBe(4);
    // Never jumps by more than one spawn interval's worth per control tick.
    expect(users.filter(([t, n]) => n > Math.floor(t * 4 + 1e-9) + 1)).toEqual([]);
  });

  it('waits the think time between tasks', async () => {
    const { origin, hits } = await serve();
    await drive(origin, { stages: [{ at: 0, users: 1, spawnRate: 10 }], duration: 1.5, wait: constant(0.25) });
    // One user, instant answers, 0.25 s apart over 1.5 s: about 6 requests (a ratio, not an absolute time).
    expect(hits.length).toBeGreaterThanOrEqual(4);
    expect(hits.length).toBeLessThanOrEqual(7);
    const gaps = hits.slice(1).map((h, i) => h.at - hits[i]!.at);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(240);
  });

  it('stops the most recently started users first', async () => {
    const { origin, hits } = await serve();
    // Three users 0.1 s apart, then down to one at 0.8 s.
    await drive(origin, { stages: [{ at: 0, users: 3, spawnRate: 10 }, { at: 0.8, users: 1, spawnRate: 100 }], duration: 1.6, wait: constant(0.05) });
    expect(new Set(hits.filter((h) => h.at < 700).map((h) => h.conn))).toEqual(new Set([0, 1, 2]));
    // After the cut (with a margin for the control tick), only the first user's connection is used.
    expect(new Set(hits.filter((h) => h.at > 1100).map((h) => h.conn))).toEqual(new Set([0]));
  });

  it('backs off after a connection error instead of spinning on a dead target', async () => {
    const origin = `http://127.0.0.1:${await freePort()}`;
    const { errors, tookMs } = await drive(origin, { stages: [{ at: 0, users: 1, spawnRate: 10 }], duration: 1, wait: constant(0) });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.kind === 'refused')).toBe(true);
    // At most one try per back-off: a busy loop would make thousands.
    expect(errors.length).toBeLessThanOrEqual(Math.ceil((tookMs / 1000) / ERROR_BACKOFF_S) + 2);
  });

  it('ends within its duration plus the drain limit, and counts what was still out as timeouts', async () => {
    const { origin } = await serve({ hang: true });
    // A timeout of ten minutes, a drain of 0.3 s: the drain decides.
    const { errors, tookMs } = await drive(origin, { stages: [{ at: 0, users: 3, spawnRate: 100 }], duration: 1, wait: constant(0), timeoutMs: 600_000 }, { drainMs: 300 });
    expect(tookMs).toBeGreaterThanOrEqual(1000 + 300 - 20);
    expect(tookMs).toBeLessThan((1000 + 300) * 1.5);
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.kind === 'timeout' && /after the profile ended/.test(e.message))).toBe(true);
  });

  it('times out each request by its own deadline, precisely', async () => {
    const { origin } = await serve({ hang: true });
    const { errors } = await drive(origin, { stages: [{ at: 0, users: 1, spawnRate: 10 }], duration: 1, wait: constant(0), timeoutMs: 200 });
    // 1 s of 200 ms timeouts, each followed by the error back-off: about 4, each at ~0.2 s steps.
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeLessThanOrEqual(5);
    expect(errors.every((e) => e.kind === 'timeout')).toBe(true);
  });

  it('a Ctrl-C cuts in-flight requests at once and records none of them', async () => {
    const { origin } = await serve({ hang: true });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const { errors, tookMs } = await drive(origin, { stages: [{ at: 0, users: 2, spawnRate: 100 }], duration: 5, wait: constant(0), timeoutMs: 600_000 }, { signal: abort.signal });
    expect(tookMs).toBeLessThan(300 + 1000);
    expect(errors).toEqual([]);
  });
});
