import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pidusage from 'pidusage';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gone } from '../../../helpers/pids.ts';
import { startSaturation } from '../../../../harness/record/saturation/sampler.ts';
import { startTarget, type StartedTarget } from '../../../../harness/spawn/start-target.ts';
import type { SaturationRow } from '../../../../harness/results/format.ts';
import type { EldStats } from '../../../../targets/lib/api.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-saturation-'));
const WORKERS = 4;
let target: StartedTarget;
const agent = new Agent({ connections: 8 });

beforeAll(async () => {
  target = await startTarget({
    file: path.join(root, 'targets/express-cluster.ts'), name: 'express-cluster', work: 'cpu', seed: 1, size: WORKERS,
    readyTimeoutMs: 20_000, logFile: path.join(dir, 'target.log'),
  });
}, 30_000);

afterAll(async () => {
  await target?.stop();
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

async function load(untilMs: number): Promise<void> {
  const user = async () => {
    while (Date.now() < untilMs) await request(`${target.url}/`, { dispatcher: agent }).then((r) => r.body.dump(), () => {});
  };
  await Promise.all(Array.from({ length: 6 }, user));
}

describe('saturation sampler on express-cluster', () => {
  let rows: SaturationRow[] = [];
  let pids: number[] = [];

  it('samples the whole tree once a second while under load', async () => {
    const startedAt = Date.now();
    const sampler = startSaturation({ pid: target.pid, origin: target.url, startedAt });
    await load(startedAt + 3300);
    rows = await sampler.stop();
    pids = [...sampler.pidsSeen];

    // One row per second since start, aligned like series.json (a stalled second may be skipped).
    expect(rows[0]?.t).toBe(0);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    rows.forEach((r, i) => expect(r.t).toBeGreaterThanOrEqual(i));
    expect(rows.at(-1)!.t).toBeLessThanOrEqual(2);
    expect(pids).toContain(target.pid);
    expect(pids.length).toBeGreaterThanOrEqual(1 + WORKERS);
    const leaderRssMb = (await pidusage(target.pid)).memory / 2 ** 20;
    for (const r of rows) {
      expect(r.rssMb).toBeGreaterThan(leaderRssMb * 2);
      expect(r.cpuPct).not.toBeNull();
      expect(r.genCpuPct).not.toBeNull();
      expect(r.genRssMb).toBeGreaterThan(0);
    }
    // Busy-looping workers: CPU well above an idle tree's few percent, even on a shared box.
    expect(Math.max(...rows.map((r) => r.cpuPct ?? 0))).toBeGreaterThan(20);
    expect(rows.some((r) => r.eldP99Ms !== null)).toBe(true);
  }, 20_000);

  it('answers the event-loop-delay path for every worker, wherever the request lands', async () => {
    const res = await request(`${target.url}/__loadlab/eld`);
    const stats = (await res.body.json()) as EldStats;
    expect(stats.processes).toBe(WORKERS);
    expect(stats.samples).toBeGreaterThan(0);
  });

  it('leaves nothing running once the target stops', async () => {
    await target.stop();
    for (const pid of pids) expect(await gone(pid), `pid ${pid}`).toBe(true);
  });
});
