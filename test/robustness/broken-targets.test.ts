import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailuresFile, RunManifest, Summary } from '../../harness/results/format.ts';
import { gone } from '../helpers/pids.ts';
import { descendants, fixture, startLab, waitFor, type LabProcess } from '../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-broken-'));
const out = path.join(tmp, 'run');
const BROKEN = ['exits-at-once', 'never-ready', 'port-clash', 'dies-after', 'hangs', 'returns-500'];
const seen = new Set<number>();
let lab: LabProcess;
let code: number;
let seconds: number;

const read = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(out, ...p), 'utf8')) as T;
const failures = (name: string) => read<FailuresFile>(name, 'failures.json');

// One lab over every broken target, then a healthy one: the lab must get through all of them.
beforeAll(async () => {
  const t0 = Date.now();
  const targets = [...BROKEN.map((n) => fixture(`targets/${n}.ts`)), 'express-dev'].join(',');
  lab = startLab(['--profile', fixture('profiles/tiny.ts'), '--targets', targets, '--timeout-ms', '500', '--out', out]);
  // Poll the process tree throughout, so every target PID is known for the orphan check.
  await waitFor(async () => {
    for (const pid of await descendants(lab.child.pid!)) seen.add(pid);
    return lab.child.exitCode !== null;
  }, 90_000);
  code = await lab.exited;
  seconds = (Date.now() - t0) / 1000;
}, 120_000);

afterAll(() => {
  if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
  for (const pid of seen) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('a lab over broken targets', () => {
  it('goes on past every failure, finishes, and exits 1', () => {
    expect(code).toBe(1);
    expect(seconds).toBeLessThan(75);
    const manifest = read<RunManifest>('manifest.json');
    expect(manifest.complete).toBe(true);
    expect(manifest.targets.map((t) => t.name)).toEqual([...BROKEN, 'express-dev']);
    expect(failures('express-dev')).toMatchObject({ state: 'ok', error: null });
    const summary = read<Summary>('summary.json');
    expect(summary.targets.find((t) => t.name === 'express-dev')!.stages[0]!.rps).toBeGreaterThan(0);
  });

  it('names the target, the cause and its last log lines when it cannot start', () => {
    expect(failures('exits-at-once')).toMatchObject({ state: 'failed' });
    expect(failures('exits-at-once').error).toMatch(/^target exits-at-once exited with code 1 before it was ready; last log lines: .*DATABASE_URL is not set/);
    expect(failures('never-ready').error).toBe('target never-ready did not answer GET /health with 2xx within 2000 ms: it last did not answer (ECONNREFUSED)');
    expect(failures('port-clash').error).toMatch(/^target port-clash could not listen: port \d+ is already in use; last log lines: .*EADDRINUSE/);
    for (const name of ['exits-at-once', 'never-ready', 'port-clash']) {
      expect(failures(name).error).not.toContain('\n');
      expect(lab.stdout()).toContain(`${name}: failed — target ${name}`);
    }
    const summary = read<Summary>('summary.json');
    for (const name of ['exits-at-once', 'never-ready', 'port-clash']) {
      expect(summary.targets.find((t) => t.name === name)).toMatchObject({ state: 'failed', status: 'failed' });
    }
  });

  it('records when a target died mid-run and counts its failed requests by kind', () => {
    const f = failures('dies-after');
    expect(f.state).toBe('failed');
    expect(f.exitCode).toBe(3);
    expect(f.diedAt).toBeGreaterThanOrEqual(0);
    expect(f.diedAt).toBeLessThanOrEqual(3);
    expect(f.error).toMatch(/^target dies-after died at [\d.]+ s \(exit code 3\)$/);
    expect(f.errors.refused + f.errors.reset).toBeGreaterThan(0);
    expect(f.errors.other).toBe(0);
  });

  it('counts a hanging target as timeouts and a 500 as http errors', () => {
    const hangs = failures('hangs');
    expect(hangs.errors.timeout).toBeGreaterThan(0);
    expect(hangs.errors.http + hangs.errors.other).toBe(0);
    const five = failures('returns-500');
    expect(five.errors.http).toBeGreaterThan(0);
    expect(five.samples.http?.[0]).toBe('HTTP 500 GET /');
    const summary = read<Summary>('summary.json');
    for (const name of ['hangs', 'returns-500']) expect(summary.targets.find((t) => t.name === name)!.status).not.toBe('held');
  });

  it('leaves no target process behind', async () => {
    expect(seen.size).toBeGreaterThan(0);
    const alive = [];
    for (const pid of seen) if (!(await gone(pid, 3000))) alive.push(pid);
    expect(alive).toEqual([]);
  });
});
