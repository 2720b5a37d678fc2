import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gone } from '../helpers/pids.ts';
import { descendants, killLeftovers, startLab, waitFor, type LabProcess } from '../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-sigint-'));
const seen = new Set<number>();
let lab: LabProcess | undefined;

/** Everything the lab started so far; remembered, so a process is checked even after its parent died. */
async function collect(labPid: number): Promise<number[]> {
  for (const pid of await descendants(labPid)) seen.add(pid);
  return [...seen];
}

async function allGone(withinMs: number): Promise<number[]> {
  const alive = await Promise.all([...seen].map(async (pid) => ((await gone(pid, withinMs)) ? null : pid)));
  return alive.filter((p): p is number => p !== null);
}

afterEach(() => {
  // Whatever a failed assertion left behind is killed here, by PID.
  killLeftovers(lab, seen);
  lab = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Ctrl-C during a lab', () => {
  it('mid-stage: stops every target process within seconds, exits 130, keeps the partial results', async () => {
    const out = path.join(tmp, 'mid-stage');
    lab = startLab(['--profile', 'smoke', '--targets', 'express-cluster', '--out', out]);
    const labPid = lab.child.pid!;
    // Stage 1's summary line is printed as stage 2 begins: from then on we are mid-profile.
    expect(await waitFor(async () => { await collect(labPid); return /express-cluster stage 1\/2/.test(lab!.stdout()); }, 60_000)).toBe(true);
    const pids = await collect(labPid);
    expect(pids.length).toBeGreaterThanOrEqual(5); // the primary and its 4 workers

    lab.child.kill('SIGINT');
    expect(await allGone(3000)).toEqual([]);
    expect(await lab.exited).toBe(130);

    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { complete: boolean; targets: { state: string }[] };
    expect(manifest.complete).toBe(false);
    expect(manifest.targets[0]!.state).toBe('interrupted');
    const series = JSON.parse(readFileSync(path.join(out, 'express-cluster', 'series.json'), 'utf8')) as { t: number; rps: number }[];
    expect(series.length).toBeGreaterThan(3);
    expect(series.length).toBeLessThan(10);
    expect(series.some((r) => r.rps > 0)).toBe(true);
    const failures = JSON.parse(readFileSync(path.join(out, 'express-cluster', 'failures.json'), 'utf8')) as { state: string; errors: Record<string, number> };
    expect(failures.state).toBe('interrupted');
    // Requests our own Ctrl-C cut short are not the server's errors.
    expect(Object.values(failures.errors).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('while the target is still starting: nothing survives, and the run is marked incomplete', async () => {
    const out = path.join(tmp, 'starting');
    lab = startLab(['--profile', 'smoke', '--targets', 'express-cluster', '--out', out]);
    const labPid = lab.child.pid!;
    // The lab's own esbuild service plus the target's primary: the cluster is far from ready.
    expect(await waitFor(async () => (await collect(labPid)).length >= 2, 60_000)).toBe(true);
    lab.child.kill('SIGINT');
    await waitFor(async () => { await collect(labPid); return lab!.child.exitCode !== null; }, 500);
    expect(await allGone(3000)).toEqual([]);
    expect(await lab.exited).toBe(130);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { complete: boolean; targets: { state: string }[] };
    expect(manifest.complete).toBe(false);
    expect(manifest.targets[0]!.state).toBe('interrupted');
    const failures = JSON.parse(readFileSync(path.join(out, 'express-cluster', 'failures.json'), 'utf8')) as { error: string };
    expect(failures.error).toBe('target express-cluster was stopped while starting (interrupted)');
  });

  it('a second Ctrl-C quits at once, still without orphans', async () => {
    const out = path.join(tmp, 'twice');
    lab = startLab(['--profile', 'smoke', '--targets', 'express-cluster', '--out', out]);
    const labPid = lab.child.pid!;
    expect(await waitFor(async () => { await collect(labPid); return /express-cluster stage 1\/2/.test(lab!.stdout()); }, 60_000)).toBe(true);
    await collect(labPid);
    lab.child.kill('SIGINT');
    lab.child.kill('SIGINT');
    expect(await allGone(3000)).toEqual([]);
    expect(await lab.exited).toBe(130);
  });
});
