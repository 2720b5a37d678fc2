import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../harness/results/format.ts';

// Heavy: starts a server and sends load for 3 s (test/fixtures/profiles/gated-tiny.ts). Run under the shared lock (about 10 s).
const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const PROFILE = path.resolve('test/fixtures/profiles/gated-tiny.ts');
let dir = '';

async function lab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(TSX, ['harness/cli/main.ts', '--profile', PROFILE, '--targets', 'express-dev', ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('thresholds end to end (express-dev, 3 s)', () => {
  it('a failing --assert exits 3, says so, and writes it to summary.json and the JUnit file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loadlab-thresholds-e2e-'));
    const junit = path.join(dir, 'ci', 'loadlab.xml');
    // Every request takes 10–100 ms of service: p95 under 1 ms cannot hold. The profile's own two
    // thresholds (no errors, p95 under 2 s at its stage "steady") hold for a healthy target.
    const r = await lab(['--out', path.join(dir, 'run'), '--assert', 'p95<1ms', '--junit', junit]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/thresholds: 1 of 3 FAILED\n {2}pass {2}express-dev {2}errors<1%@every-stage +errors 0% at stage 1 \(limit < 1%\)\n {2}pass {2}express-dev {2}p95<2s@stage=steady +p95 \d+ ms at stage 1 \(limit < 2 s\)\n {2}FAIL {2}express-dev {2}p95<1ms +p95 \d+ ms over the run \(limit < 1 ms\)/);

    const summary = JSON.parse(await readFile(path.join(dir, 'run', 'summary.json'), 'utf8')) as Summary;
    expect(summary.thresholds?.map((t) => [t.target, t.expression, t.source, t.status])).toEqual([
      ['express-dev', 'errors<1%@every-stage', 'profile', 'pass'], ['express-dev', 'p95<2s@stage=steady', 'profile', 'pass'], ['express-dev', 'p95<1ms', 'cli', 'fail'],
    ]);
    const p95 = summary.thresholds![2]!;
    expect(p95.value).toBeGreaterThan(10);
    expect(p95).toMatchObject({ limit: 1, stage: null, checks: [{ stage: null, pass: false }] });

    const xml = await readFile(junit, 'utf8');
    // Timed by the target's drive, as the manifest records it (the profile's length, give or take the drain).
    const manifest = JSON.parse(await readFile(path.join(dir, 'run', 'manifest.json'), 'utf8')) as { targets: { driveSeconds?: number }[]; profile: { duration: number } };
    const drive = manifest.targets[0]!.driveSeconds!;
    expect(drive).toBeGreaterThan(manifest.profile.duration * 0.9);
    expect(drive).toBeLessThan(manifest.profile.duration + 11);
    const time = String(drive).replace('.', '\\.');
    expect(xml).toMatch(new RegExp(`<testsuites name="loadlab gated-tiny [^"]+" tests="3" failures="1" errors="0" skipped="0" time="${time}">`));
    expect(xml).toMatch(new RegExp(`<testcase name="p95&lt;1ms" classname="loadlab.gated-tiny.express-dev" time="${time}">\n {6}<failure message="p95 \\d+ ms over the run \\(limit &lt; 1 ms\\)" type="threshold">`));
    expect(xml).toContain(`<testcase name="errors&lt;1%@every-stage" classname="loadlab.gated-tiny.express-dev" time="${drive}">\n      <system-out>`);
  }, 60_000);

  it('a bad --assert is bad input: one line naming it, exit 2, nothing run', async () => {
    const out = path.join(dir || tmpdir(), 'never');
    const r = await lab(['--out', out, '--assert', 'p95<300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('loadlab: --assert "p95<300": p95 is a latency: give it in ms or s, e.g. "p95<300ms", got "300"\n');
    expect(r.stdout).toBe('');
  }, 30_000);
});
