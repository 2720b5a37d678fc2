import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunManifest, StageStats, Summary } from '../../harness/results/format.ts';
import { startLab, targetsLeftBehind } from '../helpers/lab.ts';

let dir = '';

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run lab (end to end, smoke profile)', () => {
  it('reproduces the finding: the dev server degrades under overload while the pool holds', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loadlab-e2e-'));
    const out = path.join(dir, 'run');
    const lab = startLab(['--profile', 'smoke', '--targets', 'express-dev,worker-pool', '--out', out]);
    const { code, targets, left } = await targetsLeftBehind(lab);
    expect(code, `${lab.stdout()}\n${lab.stderr()}`).toBe(0);
    // Both targets were seen running, and none of them or their descendants is left once the lab has exited (checked by PID).
    expect([...new Set(targets.map((p) => p.cmd.split('/').pop()))], JSON.stringify(targets.map((p) => p.cmd))).toEqual(['express-dev.ts', 'worker-pool.ts']);
    expect(left).toEqual([]);

    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Summary;
    const [dev, pool] = ['express-dev', 'worker-pool'].map((n) => summary.targets.find((t) => t.name === n)!);
    expect(dev!.concurrency).toBe(1);
    expect(pool!.concurrency).toBe(4);
    const peak = (t: typeof dev) => t!.stages[t!.stages.length - 1]!;
    // The smoke peak (20 users) offers ≈ 55 req/s: beyond 1 / 55 ms ≈ 18 req/s, within 4 / 55 ms ≈ 72 req/s.
    expect(peak(dev).p95!).toBeGreaterThan(3 * peak(pool).p95!);
    expect(peak(pool).rps).toBeGreaterThan(1.5 * peak(dev).rps);
    expect(dev!.status).toBe('degraded');
    expect(lab.stdout()).toMatch(/express-dev[\s\S]*degraded from stage 2/);

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.complete).toBe(true);
    expect(manifest.profile).toMatchObject({ name: 'smoke' });
    expect(manifest.targets.map((t) => t.state)).toEqual(['ok', 'ok']);
    // Everything the report reasons with is recorded at run time (schema 2).
    expect(manifest.serviceTime).toMatchObject({ distribution: 'uniform', minMs: 10, maxMs: 100, meanMs: 55, source: 'targets/lib/prng.ts' });
    expect(manifest.capacityTheory).toMatchObject({ work: 'block', meanServiceMs: 55 });
    expect(manifest.workModel).toMatchObject({ name: 'block', description: expect.stringContaining('Atomics.wait') });
    for (const t of manifest.targets) expect(t.correction).toMatchObject({ serviceMs: 55, source: 'service-time' });
    for (const t of manifest.targets) {
      const stages = JSON.parse(await readFile(path.join(out, t.dir, 'stages.json'), 'utf8')) as StageStats[];
      expect(stages).toHaveLength(2);
      const csv = await readFile(path.join(out, t.dir, 'series.csv'), 'utf8');
      expect(csv.trim().split('\n')).toHaveLength(1 + 10);
      expect(await readFile(path.join(out, t.dir, 'latency.hlog'), 'utf8')).toMatch(/^#\[Histogram log format version/);
    }
  });
});
