import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gone } from '../helpers/pids.ts';
import { fixture, killLeftovers, startLab, waitFor, type LabProcess } from '../helpers/lab.ts';
import { watchTree, type SeenProcess } from '../helpers/process-tree.ts';
import type { RunManifest, StageStats } from '../../harness/results/format.ts';

// The Locust driver for real: Debian's python3-locust, a master and 2 workers on loopback.
const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-locust-'));
const seen = new Set<number>();
let lab: LabProcess | undefined;
afterEach(() => {
  killLeftovers(lab, seen);
  lab = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const json = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8')) as T;
const isLocust = (p: SeenProcess) => / -m locust /.test(p.cmd);

/** Every process the lab ran (watchdogs, target, Locust master and workers) that is still alive after its exit. */
async function leftAlive(all: SeenProcess[]): Promise<number[]> {
  for (const p of all) seen.add(p.pid);
  const alive = await Promise.all(all.map(async (p) => ((await gone(p.pid, 3000)) ? null : p.pid)));
  return alive.filter((p): p is number => p !== null);
}

describe('--driver locust', () => {
  it('lab,locust: both engines on worker-pool, the same users per stage, req/s within 35 %, no Locust process left', async () => {
    const out = path.join(tmp, 'both');
    lab = startLab(['--profile', fixture('profiles/locust-short.ts'), '--targets', 'worker-pool', '--driver', 'lab,locust', '--workers', '2', '--out', out]);
    const tree = watchTree(lab.child.pid!);
    const code = await lab.exited;
    const all = await tree.stop();
    expect(code, lab.stderr()).toBe(0);
    expect(lab.stdout()).toContain('driver lab + locust, 2 workers');
    expect(lab.stdout()).toMatch(/cross-check worker-pool: built-in driver vs Locust \(2 workers\)/);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Cross-check: built-in driver vs Locust');
    const locusts = all.filter(isLocust);
    expect(locusts.filter((p) => / --master( |$)/.test(p.cmd))).toHaveLength(1);
    expect(locusts.filter((p) => / --worker( |$)/.test(p.cmd))).toHaveLength(2);
    expect(await leftAlive(all)).toEqual([]);

    const m = json<RunManifest>(out, 'manifest.json');
    expect(m.driver).toBe('lab + locust, 2 workers');
    expect(m.targets.map((t) => [t.name, t.state, t.driver?.engine, t.driver?.workers])).toEqual([['worker-pool', 'ok', 'lab', undefined], ['worker-pool.locust', 'ok', 'locust', 2]]);
    const lab1 = json<StageStats[]>(out, 'worker-pool', 'stages.json');
    const loc = json<StageStats[]>(out, 'worker-pool.locust', 'stages.json');
    expect(loc.map((s) => s.users)).toEqual([2, 8]);
    for (const [i, s] of loc.entries()) {
      expect(s.rps, `stage ${i + 1}: locust ${s.rps} vs lab ${lab1[i]!.rps} req/s`).toBeGreaterThan(lab1[i]!.rps * 0.65);
      expect(s.rps).toBeLessThan(lab1[i]!.rps * 1.35);
      expect(s.errorsTotal).toBe(0);
    }
    // Per second: the schedule's users, and the users Locust itself counted (its stats history).
    const series = json<{ t: number; users: number; liveUsers?: number }[]>(out, 'worker-pool.locust', 'series.json');
    expect(series.map((r) => r.users).slice(-2)).toEqual([8, 8]);
    expect(series.map((r) => r.liveUsers).slice(-2)).toEqual([8, 8]);
    const files = readdirSync(path.join(out, 'worker-pool.locust', 'locust'));
    expect(files).toEqual(expect.arrayContaining(['locustfile.py', 'locust_stats.csv', 'locust_stats_history.csv', 'master.log', 'worker-1.log', 'worker-2.log']));
    expect(files.filter((f) => /^requests-.*\.log$/.test(f))).toHaveLength(2);
    const g = m.targets[1]!.driver!.workerShares!;
    // Every logged request is in the series, but for successes completing after the profile's end (latency kept, not throughput).
    const logged = g.map((w) => w.requests).reduce((a, b) => a + b, 0);
    const counted = json<{ requests: number }[]>(out, 'worker-pool.locust', 'series.json').reduce((n, r) => n + r.requests, 0);
    expect(counted).toBeLessThanOrEqual(logged);
    expect(counted).toBeGreaterThan(logged - 10);
    expect(m.targets[1]!.generator?.cpuPerRequestMs).toBeGreaterThan(0);
    expect(m.targets[0]!.generator?.cpuPerRequestMs).toBeGreaterThan(0);
  }, 60_000);

  it('Ctrl-C mid-profile: no Locust process survives, exit 130, partial results marked incomplete', async () => {
    const out = path.join(tmp, 'sigint');
    lab = startLab(['--profile', fixture('profiles/locust-short.ts'), '--targets', 'worker-pool', '--driver', 'locust', '--workers', '2', '--out', out]);
    const tree = watchTree(lab.child.pid!);
    const started = path.join(out, 'worker-pool', 'locust', 'profile-start.txt');
    expect(await waitFor(() => existsSync(started), 40_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    lab.child.kill('SIGINT');
    const code = await lab.exited;
    const all = await tree.stop();
    expect(all.filter(isLocust).length).toBe(3);
    expect(await leftAlive(all)).toEqual([]);
    expect(code).toBe(130);
    const m = json<RunManifest>(out, 'manifest.json');
    expect(m.complete).toBe(false);
    expect(m.targets[0]!.state).toBe('interrupted');
    const series = json<{ rps: number }[]>(out, 'worker-pool', 'series.json');
    expect(series.length).toBeGreaterThan(1);
    expect(series.length).toBeLessThan(8);
    expect(series.some((r) => r.rps > 0)).toBe(true);
  }, 60_000);
});
