import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/spawn/start-target.ts';
import { gone } from '../helpers/pids.ts';
import { fixture, ROOT } from '../helpers/lab.ts';
import type { RunManifest, StageStats } from '../../harness/results/format.ts';

// The export bundle as if on three machines: its own master.sh and two worker.sh, each a process of its own.
const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-bundle-'));
const started: ChildProcess[] = [];
let server: Server | undefined;
afterAll(async () => {
  for (const c of started) if (c.exitCode === null) { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } }
  await new Promise((r) => (server ? server.close(r) : r(null)));
  rmSync(tmp, { recursive: true, force: true });
});

const sh = (script: string, env: Record<string, string>) => {
  const c = spawn('sh', [script], { env: { ...process.env, ...env }, stdio: 'ignore', detached: true });
  started.push(c);
  return new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
};

describe('--export locust DIR, then npm run import -- DIR', () => {
  it('runs with 2 workers from the bundle\'s own commands and imports into a run folder and report', async () => {
    // A server that answers in 20 ms: the bundle's target, "on another machine".
    server = createServer((_q, s) => setTimeout(() => s.end('ok'), 20));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const bundle = path.join(tmp, 'bundle');
    const exp = await execa(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', '--export', 'locust', bundle, '--profile', fixture('profiles/locust-short.ts'), '--workers', '2', '--url', target], { cwd: ROOT, reject: false });
    expect(exp.exitCode, exp.stderr).toBe(0);
    expect(readdirSync(bundle).sort()).toEqual(['README.md', 'bundle.json', 'locustfile.py', 'logs', 'master.sh', 'worker.sh']);
    const readme = readFileSync(path.join(bundle, 'README.md'), 'utf8');
    expect(readme).toMatch(/--expect-workers 2/);
    expect(readme).toMatch(/## Clocks/);

    const env = { PYTHON: '/usr/bin/python3', MASTER_HOST: '127.0.0.1', MASTER_PORT: String(await freePort()) };
    const master = sh(path.join(bundle, 'master.sh'), env);
    const workers = [sh(path.join(bundle, 'worker.sh'), env), sh(path.join(bundle, 'worker.sh'), env)];
    expect(await master).toBe(0);
    expect(await Promise.all(workers)).toEqual([0, 0]);
    for (const c of started) expect(await gone(c.pid!, 3000)).toBe(true);
    const logs = readdirSync(path.join(bundle, 'logs'));
    expect(logs.filter((f) => /^requests-.*\.log$/.test(f))).toHaveLength(2);
    expect(logs).toContain('profile-start.txt');

    const out = path.join(tmp, 'run');
    const imp = await execa(process.execPath, ['--import', 'tsx', 'harness/cli/import.ts', bundle, '--out', out], { cwd: ROOT, reject: false });
    expect(imp.exitCode, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('driver locust, 2 workers (imported)');
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(m.complete).toBe(true);
    expect(m.targets[0]!.driver?.workerShares?.map((w) => w.requests > 0)).toEqual([true, true]);
    expect(m.targets[0]!.driver?.outOfRun).toBe(0);
    const stages = JSON.parse(readFileSync(path.join(out, m.targets[0]!.dir, 'stages.json'), 'utf8')) as StageStats[];
    expect(stages.map((s) => s.users)).toEqual([2, 8]);
    // ≈ 8 and ≈ 36 req/s (users ÷ (0.2 s + 20 ms)) offered; a wide margin for a shared machine.
    expect(stages[0]!.rps).toBeGreaterThan(4);
    expect(stages[1]!.rps).toBeGreaterThan(stages[0]!.rps * 2.5);
    expect(stages[1]!.p50).toBeGreaterThanOrEqual(20);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('imported from');
  }, 60_000);
});
