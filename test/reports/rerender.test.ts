import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../harness/results/load.ts';
import { SCHEMA1_SERVICE_TIME, type ServiceTimeInfo } from '../../harness/results/format.ts';
import { buildHeadline } from '../../reports/headline.ts';
import { renderReport } from '../../reports/render.ts';
import { tempFixtureRun } from './helpers.ts';

/** Not today's 10–100 ms: a report that read live code instead of the manifest would show 55 ms. */
const SLOW: ServiceTimeInfo = { distribution: 'uniform', minMs: 200, maxMs: 400, meanMs: 300, source: 'targets/lib/prng.ts' };
const text = (page: string) => page.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, '');

describe('a report is a function of its run folder: a run whose service time differs from today\'s code', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let profileDir = '';
  let modesDir = '';
  beforeAll(async () => {
    const a = await tempFixtureRun({ serviceTime: SLOW, workModel: { name: 'block', description: 'SYNTHETIC: what block did in an older lab' } });
    const b = await tempFixtureRun({ serviceTime: SLOW, modes: { capacity: true, knee: true } });
    cleanups.push(a.cleanup, b.cleanup);
    profileDir = a.runDir;
    modesDir = b.runDir;
  });
  afterAll(async () => { for (const c of cleanups) await c(); });

  it('takes capacity lines and the why from the manifest (uniform 200–400 ms, mean 300 ms)', async () => {
    const run = await loadRun(profileDir);
    expect(run.serviceTime).toEqual(SLOW);
    const h = buildHeadline(run);
    const dev = h.capacity.find((c) => c.name === 'express-dev')!;
    expect(dev.capacity).toBeCloseTo(1000 / 300, 6);
    expect(h.capacity.find((c) => c.name === 'express-cluster')!.capacity).toBeCloseTo(4000 / 300, 6);
    const why = h.why.join(' ');
    expect(why).toContain('300 ms on average (work model "block", uniform 200–400 ms)');
    expect(why).toContain('1 ÷ 0.3 s ≈ 3.33 req/s');
    const page = text(await renderReport(profileDir));
    expect(page).toContain('capacity ≈ at once ÷ 300 ms');
    expect(page).toContain('uniform 200–400 ms, mean 300 ms');
    expect(page).toContain('think time + 300 ms service');
    expect(page).toContain('SYNTHETIC: what block did in an older lab');
    expect(page).not.toMatch(/\b55 ms|10–100 ms|18\.2 req\/s/);
  });

  it('capacity and knee runs too: theory and its explanation from the manifest and rows', async () => {
    const run = await loadRun(modesDir);
    expect(run.theory).toEqual({ work: 'block', cores: 2, meanServiceMs: 300 });
    expect(run.capacity!.find((r) => r.name === 'express-dev')!.theoreticalRps).toBe(3.3);
    const why = buildHeadline(run).why.join(' ');
    expect(why).toContain('concurrency ÷ mean service time (300 ms, uniform 200–400 ms, work "block")');
    expect(why).toContain('about 3.33 req/s per unit of concurrency');
    expect(text(await renderReport(modesDir))).not.toMatch(/\b55 ms|10–100 ms|18\.2/);
  });

  it('renders the same bytes twice (nothing live in it)', async () => {
    expect(await renderReport(profileDir)).toBe(await renderReport(profileDir));
  });
});

describe('a schema-1 run (no service time, theory or correction recorded)', () => {
  it('falls back to what schema 1 implied and says so', async () => {
    const f = await tempFixtureRun({ schema1: true });
    try {
      const run = await loadRun(f.runDir);
      expect(run.manifest.schemaVersion).toBe(1);
      expect(run.problems).toEqual([]);
      expect(run.serviceTime).toEqual(SCHEMA1_SERVICE_TIME);
      expect(run.theory).toEqual({ work: 'block', cores: 2, meanServiceMs: 55 });
      // Mean think time of between(0.5, 1) s is 750 ms, plus the 55 ms mean service time.
      expect(run.targets[0]!.correction).toEqual({ expectedIntervalMs: 805, serviceMs: 55, source: 'service-time' });
      const page = text(await renderReport(f.runDir));
      expect(page).toContain('not recorded (schema 1)');
      expect(page).toContain('capacity ≈ at once ÷ 55 ms');
    } finally {
      await f.cleanup();
    }
  });
});

/** Every module the report loads at run time, followed through relative imports from reports/render.ts and reports/index.ts. */
async function reportModules(): Promise<string[]> {
  const root = path.resolve(import.meta.dirname, '../..');
  const seen = new Set<string>();
  const todo = ['reports/render.ts', 'reports/index.ts', 'reports/cli.ts'].map((f) => path.join(root, f));
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = await readFile(file, 'utf8');
    // `import type` is erased at run time: only value imports load a module.
    for (const [, spec] of src.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+'(\.[^']+)'/gm)) todo.push(path.resolve(path.dirname(file), spec!));
  }
  return [...seen].map((f) => path.relative(root, f));
}

describe('the report reads nothing live', () => {
  it('loads no module of targets/ or profiles/ at run time, directly or through harness/', async () => {
    const mods = await reportModules();
    expect(mods).toContain('harness/results/load.ts');
    expect(mods.filter((m) => m.startsWith('targets/') || m.startsWith('profiles/'))).toEqual([]);
  });
});
