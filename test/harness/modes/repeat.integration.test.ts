import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedProfileSchema } from '../../../profiles/lib/define.ts';
import { resolveTargets } from '../../../harness/input/discover.ts';
import type { RunManifest, SpreadFile, Summary } from '../../../harness/results/format.ts';
import { runLab } from '../../../harness/run/lab.ts';
import { killTreeSync } from '../../../harness/spawn/start-target.ts';
import { gone } from '../../helpers/pids.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-repeat-'));
const spawned = new Set<number>();
const live = new Set<number>();

afterAll(() => {
  for (const pid of live) killTreeSync(pid);
  rmSync(dir, { recursive: true, force: true });
});

const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;

describe('runLab --repeat 2', () => {
  it('runs each repeat into its own folder and summarises the target once, with its spread', async () => {
    const profile = closedProfileSchema.parse({ name: 'tiny', stages: [{ at: 0, users: 2, spawnRate: 10 }], duration: 2, warmupSeconds: 0 });
    await runLab({
      targets: await resolveTargets(['fastify']),
      profile: { profile, file: 'inline', source: 'tiny' },
      work: 'block', seed: 1, runDir: dir, signal: AbortSignal.timeout(60_000), repeat: 2,
      events: { spawned: (pid) => { spawned.add(pid); live.add(pid); }, stopped: (pid) => live.delete(pid) },
    });

    const manifest = read<RunManifest>('manifest.json');
    expect(manifest.repeats).toBe(2);
    expect(manifest.targets.map((t) => [t.name, t.repeat, t.dir, t.state])).toEqual([['fastify', 1, 'fastify', 'ok'], ['fastify', 2, 'fastify/r2', 'ok']]);
    expect(existsSync(path.join(dir, 'fastify/stages.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'fastify/r2/stages.json'))).toBe(true);

    const summary = read<Summary>('summary.json');
    expect(summary.targets).toHaveLength(1);
    const stage = summary.targets[0]!.stages[0]!;
    expect(summary.targets[0]!.repeats).toBe(2);
    expect(stage.spread?.n).toBe(2);
    expect(stage.p95).toBe(stage.spread?.p95?.median);
    expect(stage.spread!.rps!.min).toBeGreaterThan(0);
    // Validity: each repeat's checks, combined, and the noise across the two.
    const v = summary.targets[0]!.validity!;
    expect(v.checks.map((c) => c.check)).toEqual(['littles-law', 'offered-load', 'generator', 'lab-errors', 'noise']);
    expect(v.littlesLaw.map((l) => l.repeat)).toEqual([1, 2]);
    expect(summary.validity?.verdict).toBe(v.verdict);

    const spread = read<SpreadFile>('spread.json');
    expect(spread.targets[0]!.stages[0]!.values.rps).toHaveLength(2);
    expect(readFileSync(path.join(dir, 'spread.csv'), 'utf8').split('\n')[1]).toMatch(/^fastify,1,2,2,/);

    expect(spawned.size).toBe(2);
    for (const pid of spawned) expect(await gone(pid)).toBe(true);
  });
});
