import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedProfileSchema } from '../../../profiles/lib/define.ts';
import { writeBundle } from '../../../harness/drive/locust/bundle.ts';
import { REQUEST_LOG_HEADER } from '../../../harness/drive/locust/request-log.ts';
import { importBundle } from '../../../harness/run/import-bundle.ts';
import type { StageStats } from '../../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = closedProfileSchema.parse({ name: 'imp', duration: 4, stages: [{ at: 0, users: 2, spawnRate: 100 }, { at: 2, users: 4, spawnRate: 100 }] });
const T0 = 1_800_000_000_000_000;

async function bundle(name: string): Promise<string> {
  const b = path.join(dir, name);
  await writeBundle({ dir: b, profile, profileSource: 'imp', workers: 2, target: 'http://127.0.0.1:9000', gitCommit: null, now: new Date() });
  return b;
}

describe('importBundle', () => {
  it('turns two workers\' logs into a run folder: stages, driver, worker shares, the logs kept', async () => {
    const b = await bundle('ok');
    writeFileSync(path.join(b, 'logs', 'profile-start.txt'), `${T0}\n`);
    // Worker A: 10 ms requests every 100 ms; worker B: 30 ms ones every 50 ms in the second stage only.
    const a = [REQUEST_LOG_HEADER, `cpu,${T0},0`, ...Array.from({ length: 39 }, (_, i) => `${T0 + i * 100_000},${T0 + i * 100_000},10000,ok,`), `cpu,${T0 + 4_000_000},400000`];
    const w = [REQUEST_LOG_HEADER, ...Array.from({ length: 39 }, (_, i) => `${T0 + 2_000_000 + i * 50_000},${T0 + 2_000_000 + i * 50_000},30000,${i === 25 ? 'reset,ConnectionResetError: reset' : 'ok,'}`)];
    writeFileSync(path.join(b, 'logs', 'requests-a-1.log'), `${a.join('\n')}\n`);
    writeFileSync(path.join(b, 'logs', 'requests-b-2.log'), `${w.join('\n')}\n`);
    const out = path.join(dir, 'run-ok');
    mkdirSync(out);
    const r = await importBundle({ bundleDir: b, runDir: out });
    expect(r.manifest.driver).toBe('locust, 2 workers (imported)');
    expect(r.manifest.complete).toBe(true);
    const e = r.manifest.targets[0]!;
    expect(e).toMatchObject({ name: '127.0.0.1:9000', state: 'ok' });
    expect(e.driver?.workerShares?.map((s) => [s.name, s.requests, s.cpuSeconds])).toEqual([['requests-a-1.log', 39, 0.4], ['requests-b-2.log', 39, null]]);
    const stages = JSON.parse(readFileSync(path.join(out, e.dir, 'stages.json'), 'utf8')) as StageStats[];
    expect(stages.map((s) => [s.users, s.p50, s.errorsTotal])).toEqual([[2, 10.01, 0], [4, 30.02, 1]]);
    expect(readFileSync(path.join(out, e.dir, 'locust', 'requests-b-2.log'), 'utf8')).toContain('ConnectionResetError');
    expect(readFileSync(path.join(out, e.dir, 'locust', 'README.md'), 'utf8')).toContain('## Clocks');
  });

  it('says what to copy back when the master\'s start or the workers\' logs are missing', async () => {
    const b = await bundle('missing');
    await expect(importBundle({ bundleDir: b, runDir: path.join(dir, 'run-missing') })).rejects.toThrow(/profile-start.txt missing.*copy it from the master/);
    writeFileSync(path.join(b, 'logs', 'profile-start.txt'), `${T0}\n`);
    await expect(importBundle({ bundleDir: b, runDir: path.join(dir, 'run-missing') })).rejects.toThrow(/no requests-\*\.log in .*copy them from every worker/);
    await expect(importBundle({ bundleDir: dir, runDir: path.join(dir, 'run-none') })).rejects.toThrow(/bundle.json not found/);
  });
});
