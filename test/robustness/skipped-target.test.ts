import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, startLab } from '../helpers/lab.ts';
import type { RunManifest, Summary } from '../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-skip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a target whose requirement is missing', () => {
  it('is skipped with its install line; the run goes on, exits 0, and every file says skipped, not failed', async () => {
    const out = path.join(dir, 'run');
    const lab = startLab(['--profile', fixture('profiles/tiny.ts'), '--targets', fixture('targets/needs-missing.ts'), '--out', out]);
    expect(await lab.exited).toBe(0);
    const line = 'needs python module loadlab_not_installed (apt-get install -y python3-loadlab-not-installed); install with: apt-get install -y python3-loadlab-not-installed';
    expect(lab.stdout()).toContain(`needs-missing: skipped — ${line}`);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.targets[0]).toMatchObject({ name: 'needs-missing', state: 'skipped', error: line, runtime: 'python' });
    expect(manifest.complete).toBe(true);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.targets[0]).toMatchObject({ state: 'skipped', status: 'skipped', verdict: `skipped: ${line}` });
    const report = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('1 skipped (not installed)');
    expect(report).toContain('needs-missing was not run: needs python module loadlab_not_installed');
  });
});
