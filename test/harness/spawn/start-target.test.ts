import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pidtree from 'pidtree';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { gone } from '../../helpers/pids.ts';
import { freePort, isAlive, startTarget, type StartedTarget, type TargetStartError, type StartTargetOptions } from '../../../harness/spawn/start-target.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/targets/${name}.ts`, import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-spawn-'));
const started: StartedTarget[] = [];

const options = (name: string, over: Partial<StartTargetOptions> = {}): StartTargetOptions => ({
  file: fixture(name), name, work: 'block', seed: 1, size: 1, readyTimeoutMs: 15_000, logFile: path.join(dir, `${name}.log`), ...over,
});

async function start(opts: StartTargetOptions) {
  const t = await startTarget(opts);
  started.push(t);
  return t;
}

afterAll(async () => {
  await Promise.all(started.map((t) => t.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('startTarget', () => {
  it('starts a target, serves it, and stops the whole tree', async () => {
    const t = await start({ ...options('fastify'), file: path.join(root, 'targets/fastify.ts') });
    const res = await request(`${t.url}/`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ work: 'block', pid: t.pid });
    await Promise.all([t.stop(), t.stop()]);
    expect(isAlive(t.pid)).toBe(false);
    expect((await t.exited).code).toBe(0);
    await t.stop();
  });

  it('fails with TARGET_EXITED and the log tail when the target dies at start', async () => {
    const err = await startTarget(options('exits-at-once')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TARGET_EXITED' });
    expect((err as Error).message).toMatch(/^target exits-at-once exited with code 1 before it was ready; last log lines: .*DATABASE_URL is not set/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('fails with TARGET_NOT_READY within the timeout and leaves nothing running', async () => {
    const t0 = Date.now();
    const err = await startTarget(options('never-ready', { readyTimeoutMs: 1500 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TARGET_NOT_READY' });
    expect((err as Error).message).toContain('target never-ready did not answer GET /health with 2xx within 1500 ms: it last did not answer (ECONNREFUSED)');
    expect(Date.now() - t0).toBeLessThan(1500 + 5000);
    expect(await gone((err as TargetStartError).pid!)).toBe(true);
  });

  it('says what /health answered instead of 200', async () => {
    const err = await startTarget(options('health-500', { readyTimeoutMs: 1000 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TARGET_NOT_READY' });
    expect((err as Error).message).toContain('did not answer GET /health with 2xx within 1000 ms: it last answered HTTP 500');
    expect(await gone((err as TargetStartError).pid!)).toBe(true);
  });

  it('warns about a target that listens on every interface, and not about one on 127.0.0.1', async () => {
    const everywhere = await start(options('listens-everywhere'));
    expect(everywhere.warnings).toEqual([expect.stringMatching(/^target listens-everywhere listens on 0\.0\.0\.0 port \d+: reachable from other machines/)]);
    const loopback = await start({ ...options('fastify'), file: path.join(root, 'targets/fastify.ts') });
    expect(loopback.warnings).toEqual([]);
  });

  it('logs an error thrown by the target\'s close() and still exits', async () => {
    const t = await start(options('close-fails'));
    await t.stop();
    expect((await t.exited).code).toBe(0);
    expect(readFileSync(t.logFile, 'utf8')).toMatch(/close\(\) failed: Error: the database said no/);
  });

  it('fails with PORT_IN_USE when the port is taken before start', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const err = await startTarget(options('fastify', { file: path.join(root, 'targets/fastify.ts'), port })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PORT_IN_USE' });
      expect((err as Error).message).toContain(`port ${port}`);
    } finally {
      blocker.close();
    }
  });

  it('fails with PORT_IN_USE when the target reports EADDRINUSE', async () => {
    const err = await startTarget(options('port-clash')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PORT_IN_USE' });
    expect((err as Error).message).toMatch(/EADDRINUSE/);
  });

  it('SIGKILLs a target that ignores SIGTERM, and its child outside the group', async () => {
    const t = await start(options('stubborn'));
    let kids: number[] = [];
    for (let i = 0; i < 50 && kids.length === 0; i++) {
      kids = await pidtree(t.pid);
      if (!kids.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(kids.length).toBeGreaterThan(0);
    const t0 = Date.now();
    await t.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect((await t.exited).signal).toBe('SIGKILL');
    for (const pid of [t.pid, ...kids]) expect(await gone(pid), `pid ${pid}`).toBe(true);
  });

  it('resolves `exited` with the time when a running target dies', async () => {
    const t = await start(options('fastify', { file: path.join(root, 'targets/fastify.ts') }));
    const before = Date.now();
    process.kill(t.pid, 'SIGKILL');
    const info = await t.exited;
    expect(info).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(info.at).toBeGreaterThanOrEqual(before);
    expect(readFileSync(t.logFile, 'utf8')).toBe('');
  });
});
