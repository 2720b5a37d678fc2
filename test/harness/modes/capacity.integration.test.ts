import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCapacity } from '../../../harness/modes/capacity.ts';
import { resolveTargets } from '../../../harness/input/discover.ts';
import type { CapacityRow } from '../../../harness/results/format.ts';
import { killTreeSync } from '../../../harness/spawn/start-target.ts';
import { gone } from '../../helpers/pids.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-capacity-'));
const spawned = new Set<number>();
const live = new Set<number>();

afterAll(() => {
  // Only if a test failed half-way: every target is normally stopped by runCapacity itself.
  for (const pid of live) killTreeSync(pid);
  rmSync(dir, { recursive: true, force: true });
});

describe('runCapacity (block work, 3 s per target)', () => {
  it('measures worker-pool several times express-dev, and express-dev near its 18 req/s theory', async () => {
    const rows = await runCapacity({
      targets: await resolveTargets(['worker-pool', 'express-dev']),
      work: 'block', seed: 1, runDir: dir, signal: AbortSignal.timeout(60_000),
      connections: 16, seconds: 3,
      spawned: (pid) => { spawned.add(pid); live.add(pid); },
      stopped: (pid) => live.delete(pid),
    });
    const [pool, dev] = rows;
    expect(rows.map((r) => [r.name, r.state])).toEqual([['worker-pool', 'ok'], ['express-dev', 'ok']]);
    expect(dev!.theoreticalRps).toBe(18.2);
    expect(pool!.theoreticalRps).toBe(72.7);
    // Ratios with wide margins (2 noisy shared cores), never absolute figures. Measured on a quiet
    // run: ~69 vs ~17.6 req/s, 95–97% of theory. Block work cannot beat its theory by much (the
    // seeded service times' mean is near 55 ms), and a server with 4 workers must beat one with 1.
    expect(dev!.rps! / dev!.theoreticalRps!).toBeGreaterThanOrEqual(0.45);
    expect(dev!.rps! / dev!.theoreticalRps!).toBeLessThanOrEqual(1.15);
    expect(pool!.rps! / pool!.theoreticalRps!).toBeLessThanOrEqual(1.15);
    expect(pool!.rps!).toBeGreaterThanOrEqual(2 * dev!.rps!);
    expect(dev!.p50!).toBeLessThanOrEqual(dev!.p95!);
    expect(dev!.p95!).toBeLessThanOrEqual(dev!.p99!);
    expect(JSON.parse(readFileSync(path.join(dir, 'capacity.json'), 'utf8')) as CapacityRow[]).toEqual(rows);

    expect(spawned.size).toBe(2);
    for (const pid of spawned) expect(await gone(pid)).toBe(true);
  });
});
