import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pidtree from 'pidtree';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type StartedTarget } from '../../harness/spawn/start-target.ts';
import { isTargetDefinition, type TargetDefinition } from '../../targets/lib/define.ts';
import type { WorkBody } from '../../targets/lib/api.ts';
import { SERVICE_MAX_MS } from '../../targets/lib/prng.ts';
import { gone } from '../helpers/pids.ts';

const TARGETS_DIR = fileURLToPath(new URL('../../targets', import.meta.url));
const SLACK_MS = 400;

const found: { file: string; def: TargetDefinition }[] = [];
for (const name of readdirSync(TARGETS_DIR).filter((n) => n.endsWith('.ts')).sort()) {
  const file = path.join(TARGETS_DIR, name);
  const def: unknown = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  // Command targets (the Python servers) are started by their command: test/targets/python.integration.test.ts.
  if (isTargetDefinition(def) && !def.command) found.push({ file, def });
}
const logDir = mkdtempSync(path.join(tmpdir(), 'loadlab-targets-'));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

it('finds the four variants', () => {
  expect(found.map((f) => f.def.name)).toEqual(expect.arrayContaining(['express-dev', 'express-cluster', 'fastify', 'worker-pool']));
});

// The `fast` group's targets do no work at all; they are checked on their own below.
const noWork = (def: TargetDefinition) => def.groups?.includes('fast') ?? false;

describe('fastify-hello (no work)', () => {
  const hello = found.find((f) => f.def.name === 'fastify-hello')!;
  let target: StartedTarget;
  beforeAll(async () => {
    target = await startTarget({ file: hello.file, name: 'fastify-hello', work: 'block', seed: 1, size: 1, env: hello.def.env, readyTimeoutMs: 15_000, logFile: path.join(logDir, 'fastify-hello.log') });
  });
  afterAll(async () => { await target?.stop(); });

  it('answers at once, whatever --work says, and stays out of the default selection', async () => {
    expect(hello.def.groups).toEqual(['fast']);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await request(`${target.url}/task`);
      expect(await res.body.json()).toEqual({ hello: 'world' });
      times.push(performance.now() - t0);
    }
    // Every request to the other targets takes ≥ 10 ms of work; this one's median is well under.
    times.sort((a, b) => a - b);
    expect(times[10]!).toBeLessThan(10);
    expect((await request(`${target.url}/health`)).statusCode).toBe(200);
    const pid = target.pid;
    await target.stop();
    expect(await gone(pid)).toBe(true);
  });
});

describe.each(found.filter((f) => !noWork(f.def)))('$def.name', ({ file, def }) => {
  const size = def.defaultSize ?? 1;
  const concurrency = def.concurrency?.(size) ?? 1;
  const agent = new Agent();
  let target: StartedTarget;
  let pids: number[] = [];
  const servedBy = new Set<number>();

  async function get(): Promise<{ ms: number; body: WorkBody }> {
    const t0 = performance.now();
    const res = await request(`${target.url}/`, { dispatcher: agent });
    const body = (await res.body.json()) as WorkBody;
    expect(res.statusCode).toBe(200);
    servedBy.add(body.pid);
    return { ms: performance.now() - t0, body };
  }

  beforeAll(async () => {
    target = await startTarget({
      file, name: def.name, work: 'block', seed: 1, size, env: def.env,
      readyTimeoutMs: (def.readyTimeoutSeconds ?? 15) * 1000, logFile: path.join(logDir, `${def.name}.log`),
    });
    pids = [target.pid, ...(await pidtree(target.pid))];
  });

  afterAll(async () => {
    await target?.stop();
    await agent.close();
  });

  it('answers sequential requests in 10–100 ms of work plus slack', async () => {
    for (let i = 0; i < 10; i++) {
      const { ms, body } = await get();
      expect(body.work).toBe('block');
      expect(body.workMs).toBeGreaterThanOrEqual(10);
      expect(ms).toBeGreaterThanOrEqual(Math.max(9, body.workMs - 1));
      expect(ms).toBeLessThanOrEqual(SERVICE_MAX_MS + SLACK_MS);
    }
  });

  // Several requests per unit of concurrency, so one long draw cannot dominate the batch.
  it(`handles its declared concurrency (${concurrency})`, async () => {
    const n = Math.max(3 * concurrency, 4);
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: n }, get));
    const total = performance.now() - t0;
    const work = replies.reduce((sum, r) => sum + r.body.workMs, 0);
    if (concurrency > 1) expect(total, `${n} requests, ${work.toFixed(0)} ms of work`).toBeLessThan(0.75 * work);
    else expect(total, `${n} requests, ${work.toFixed(0)} ms of work`).toBeGreaterThanOrEqual(0.8 * work);
  });

  it('stops with its whole process tree', async () => {
    // Every pid that answered must be one we are about to see die (cluster workers included).
    for (const pid of servedBy) expect(pids).toContain(pid);
    if (def.name === 'express-cluster') expect(servedBy.size).toBeGreaterThan(1);
    await target.stop();
    for (const pid of pids) expect(await gone(pid), `pid ${pid}`).toBe(true);
  });
});
