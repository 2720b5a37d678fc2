import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gone } from '../helpers/pids.ts';
import { descendants, killLeftovers, startLab, waitFor, type LabProcess } from '../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-orphans-'));
const seen = new Set<number>();
let lab: LabProcess | undefined;

afterEach(() => {
  killLeftovers(lab, seen);
  lab = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SIGKILL of the lab (no cleanup code of its own can run)', () => {
  it.each([['express-dev'], ['express-cluster']])('mid-run: %s and every process it started are gone within seconds', async (target) => {
    lab = startLab(['--profile', 'smoke', '--targets', target, '--out', path.join(tmp, target)]);
    const labPid = lab.child.pid!;
    expect(await waitFor(async () => {
      for (const pid of await descendants(labPid)) seen.add(pid);
      return new RegExp(`${target} stage 1/2`).test(lab!.stdout());
    }, 60_000)).toBe(true);
    for (const pid of await descendants(labPid)) seen.add(pid);
    // The watchdog, the target (and a cluster's workers), tsx's esbuild helpers.
    expect(seen.size).toBeGreaterThanOrEqual(target === 'express-cluster' ? 6 : 2);

    lab.child.kill('SIGKILL');
    expect(await lab.exited).toBe(137);
    const left = (await Promise.all([...seen].map(async (pid) => ((await gone(pid, 5000)) ? null : pid)))).filter((p) => p !== null);
    expect(left).toEqual([]);
  });
});
