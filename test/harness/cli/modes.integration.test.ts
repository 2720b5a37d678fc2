import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityRow, KneeRow, RunManifest } from '../../../harness/results/format.ts';
import { fixture, startLab, targetsLeftBehind } from '../../helpers/lab.ts';

const root = mkdtempSync(path.join(tmpdir(), 'loadlab-modes-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const read = <T>(dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;

/** --capacity and --knee through the real CLI, with the shortest settings it accepts. */
describe('npm run lab -- --capacity / --knee (real CLI)', () => {
  it('--capacity: exit 0, a complete manifest and capacity.json, the table on stdout', async () => {
    const out = path.join(root, 'capacity');
    const lab = startLab(['--capacity', '--capacity-seconds', '1', '--connections', '4', '--targets', 'fastify', '--out', out]);
    const { code, targets, left } = await targetsLeftBehind(lab);
    expect(code, lab.stderr()).toBe(0);
    // The target ran, and nothing of it is left once the lab has exited (checked by PID).
    expect(targets.length).toBeGreaterThan(0);
    expect(left).toEqual([]);
    const manifest = read<RunManifest>(out, 'manifest.json');
    expect(manifest).toMatchObject({ complete: true, profileSource: 'capacity' });
    expect(manifest.targets.map((t) => [t.name, t.state])).toEqual([['fastify', 'ok']]);
    const [row] = read<CapacityRow[]>(out, 'capacity.json');
    expect(row).toMatchObject({ name: 'fastify', state: 'ok', connections: 4 });
    expect(row!.rps!).toBeGreaterThan(0);
    expect(lab.stdout()).toMatch(/Capacity[\s\S]*fastify/);
  }, 60_000);

  it('--knee: exit 0 when the search ran, even if no rate held; knee.json says why for every step', async () => {
    // Every answer is a 500: each step breaks on errors, and the search halves down to its floor.
    const out = path.join(root, 'knee');
    const lab = startLab(['--knee', '--knee-step-seconds', '2', '--slo-ms', '300', '--targets', fixture('targets/returns-500.ts'), '--out', out]);
    const { code, targets, left } = await targetsLeftBehind(lab);
    expect(code, lab.stderr()).toBe(0);
    expect(targets.length).toBeGreaterThan(0);
    expect(left).toEqual([]);
    expect(read<RunManifest>(out, 'manifest.json')).toMatchObject({ complete: true, profileSource: 'knee' });
    const [row] = read<KneeRow[]>(out, 'knee.json');
    expect(row).toMatchObject({ name: 'returns-500', state: 'ok', stoppedBy: 'min-rate', maxSustainableRps: null, sloMs: 300, stepSeconds: 2, stepCapSeconds: 4 });
    expect(row!.steps.map((s) => s.rate)).toEqual([5, 2.5, 1.3]);
    for (const s of row!.steps) expect(s.evidence).toMatchObject({ state: 'broken', reason: expect.stringMatching(/failed/) });
    expect(lab.stdout()).toMatch(/returns-500[\s\S]*✗\s+5\.0 req\/s/);
  }, 90_000);

  it('--knee: exit 1 when a target fails to start, recorded in the manifest', async () => {
    const out = path.join(root, 'knee-failed');
    const lab = startLab(['--knee', '--knee-step-seconds', '2', '--targets', fixture('targets/exits-at-once.ts'), '--out', out]);
    expect(await lab.exited, lab.stderr()).toBe(1);
    const manifest = read<RunManifest>(out, 'manifest.json');
    expect(manifest.targets.map((t) => t.state)).toEqual(['failed']);
    expect(read<KneeRow[]>(out, 'knee.json')[0]).toMatchObject({ state: 'failed', steps: [] });
  }, 60_000);

  it('exit 2 on a bad flag, before anything runs', async () => {
    const lab = startLab(['--knee', '--knee-step-seconds', '1']);
    expect(await lab.exited).toBe(2);
    expect(lab.stderr()).toMatch(/knee-step-seconds/);
  }, 30_000);
});
