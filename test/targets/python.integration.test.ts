import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import pidtree from 'pidtree';
import { Client } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTargets, type FoundTarget } from '../../harness/input/discover.ts';
import { prepareLaunch } from '../../harness/input/requires.ts';
import { startTarget, type StartedTarget } from '../../harness/spawn/start-target.ts';
import { sendRequest } from '../../harness/drive/http.ts';
import { MEAN_SERVICE_MS } from '../../targets/lib/prng.ts';
import { gone } from '../helpers/pids.ts';

// Needs Debian's python3-flask, python3-waitress and gunicorn (.ci/run installs them): a skip here is a failure.
const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const python = await resolveTargets(['python']);
const byName = (n: string) => python.find((t) => t.definition.name === n)!;

async function start(t: FoundTarget): Promise<StartedTarget> {
  const launch = await prepareLaunch(t.definition, t.file);
  if (launch.skipped !== null) throw new Error(launch.skipped);
  return startTarget({ ...launch, file: t.file, name: t.definition.name, work: 'block', seed: 1, size: t.definition.defaultSize ?? 1, readyTimeoutMs: 15_000, logFile: path.join(dir, `${t.definition.name}.log`) });
}

/** `users` clients each sending again as soon as answered, for `seconds`: completed 2xx per second. */
async function saturate(url: string, users: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  await Promise.all(Array.from({ length: users }, async () => {
    const client = new Client(url);
    try {
      while (performance.now() < end) if ((await sendRequest(client, 'GET', '/', 5000)) === 200) ok++;
    } finally {
      await client.destroy();
    }
  }));
  return ok / seconds;
}

/**
 * `pid` and its descendants, once there are `want` of them or after `withinMs`: gunicorn's master
 * listens, and its first worker answers, while it is still forking the others (seen once in CI: 4 of 5).
 */
async function processTree(pid: number, want: number, withinMs = 10_000): Promise<number[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const pids = [pid, ...(await pidtree(pid))];
    if (pids.length >= want || Date.now() >= until) return pids;
    await delay(100);
  }
}

describe('the Python targets', () => {
  it('are the five servers of the python group', () => {
    expect(python.map((t) => t.definition.name).sort()).toEqual(['flask-dev', 'flask-dev-nothreads', 'gunicorn-1', 'gunicorn-4', 'waitress']);
  });

  it.each(['flask-dev', 'flask-dev-nothreads', 'waitress', 'gunicorn-1', 'gunicorn-4'])('%s serves / in the 10–100 ms band and stops with no process left', async (name) => {
    const t = await start(byName(name));
    let pids: number[] = [];
    try {
      const client = new Client(t.url);
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const res = await client.request({ method: 'GET', path: '/' });
        const ms = performance.now() - t0;
        const body = (await res.body.json()) as { workMs: number; work: string; pid: number };
        expect(res.statusCode).toBe(200);
        expect(body.work).toBe('block');
        expect(body.workMs).toBeGreaterThanOrEqual(10);
        expect(body.workMs).toBeLessThan(100);
        expect(ms).toBeGreaterThanOrEqual(body.workMs - 1);
      }
      await client.destroy();
      pids = await processTree(t.pid, name === 'gunicorn-4' ? 5 : 1);
      if (name === 'gunicorn-4') expect(pids.length).toBe(5);
    } finally {
      await t.stop();
    }
    for (const pid of pids) expect(await gone(pid), `pid ${pid} of ${name}`).toBe(true);
  });

  it('the one-thread Flask server saturates near 1 ÷ mean service time; waitress and gunicorn ×4 reach about 4×', async () => {
    const rps: Record<string, number> = {};
    for (const name of ['flask-dev-nothreads', 'waitress', 'gunicorn-4']) {
      const t = await start(byName(name));
      try {
        await saturate(t.url, 12, 1);
        rps[name] = await saturate(t.url, 12, 3);
      } finally {
        await t.stop();
      }
    }
    const one = 1000 / MEAN_SERVICE_MS;
    expect(rps['flask-dev-nothreads']).toBeGreaterThan(one * 0.6);
    expect(rps['flask-dev-nothreads']).toBeLessThan(one * 1.3);
    expect(rps.waitress! / rps['flask-dev-nothreads']!, JSON.stringify(rps)).toBeGreaterThan(2.5);
    expect(rps['gunicorn-4']! / rps['flask-dev-nothreads']!, JSON.stringify(rps)).toBeGreaterThan(2.5);
  });
});
