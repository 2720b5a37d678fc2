import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gone } from '../../helpers/pids.ts';
import { freePort, startTarget, type StartTargetOptions, type TargetStartError } from '../../../harness/spawn/start-target.ts';

// Command targets fail the way Node targets do (start-target.test.ts): same codes, one line, nothing left running.
const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = (name: string, argv: string[], over: Partial<StartTargetOptions> = {}): StartTargetOptions => ({
  name, work: 'block', seed: 1, size: 1, readyTimeoutMs: 10_000, logFile: path.join(dir, `${name}.log`),
  command: argv, cwd: dir, python: null, ...over,
});
const fail = (o: StartTargetOptions) => startTarget(o).then(() => { throw new Error('started'); }, (e: unknown) => e as TargetStartError);

const NODE_SERVER = `require('http').createServer((q, s) => s.end(q.url)).listen(+process.env.PORT, process.env.HOST)`;

describe('command targets: start and failures', () => {
  it('runs the argv in cwd with {port} substituted and PORT/HOST set, polls the ready path, stops the group', async () => {
    const t = await startTarget(options('echo', [process.execPath, '-e', NODE_SERVER, '{port}'], { readyPath: '/ready' }));
    const res = await fetch(`${t.url}/x`);
    expect(await res.text()).toBe('/x');
    await t.stop();
    expect(await gone(t.pid)).toBe(true);
  });

  it('exits at once: TARGET_EXITED with the log tail', async () => {
    const err = await fail(options('exits', ['sh', '-c', 'echo "config missing" >&2; exit 3']));
    expect(err.code).toBe('TARGET_EXITED');
    expect(err.message).toBe('target exits exited with code 3 before it was ready; last log lines: config missing');
  });

  it('a program that does not exist: TARGET_EXITED saying so', async () => {
    const err = await fail(options('nothing', ['/nonexistent/loadlab-server']));
    expect(err.code).toBe('TARGET_EXITED');
    expect(err.message).toMatch(/^target nothing could not be spawned \(.*ENOENT.*\)/);
  });

  it('never ready: TARGET_NOT_READY naming the ready path, and the process is gone', async () => {
    const t0 = Date.now();
    const err = await fail(options('never', ['sleep', '30'], { readyTimeoutMs: 1500, readyPath: '/up' }));
    expect(err.code).toBe('TARGET_NOT_READY');
    expect(err.message).toBe('target never did not answer GET /up with 2xx within 1500 ms: it last did not answer (ECONNREFUSED)');
    expect(Date.now() - t0).toBeLessThan(1500 + 5000);
    expect(await gone(err.pid!)).toBe(true);
  });

  it('a busy port: PORT_IN_USE, whether the lab sees it first or the server reports EADDRINUSE', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const before = await fail(options('busy', [process.execPath, '-e', NODE_SERVER], { port }));
      expect(before.code).toBe('PORT_IN_USE');
      const clash = `const n = require('net'); n.createServer().listen(+process.env.PORT, '127.0.0.1', () => n.createServer().listen(+process.env.PORT, '127.0.0.1'))`;
      const during = await fail(options('clash', [process.execPath, '-e', clash]));
      expect(during.code).toBe('PORT_IN_USE');
      expect(during.message).toMatch(/^target clash could not listen: port \d+ is already in use/);
      expect(await gone(during.pid!)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
