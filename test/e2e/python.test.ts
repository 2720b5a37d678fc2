import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, startLab } from '../helpers/lab.ts';
import type { Summary } from '../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-e2e-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--targets python reproduces the original finding', () => {
  it('the one-thread Flask server degrades; waitress and gunicorn ×4 hold the same load', async () => {
    const out = path.join(dir, 'run');
    const lab = startLab(['--profile', fixture('profiles/python-short.ts'), '--targets', 'flask-dev-nothreads,waitress,gunicorn-4', '--out', out]);
    expect(await lab.exited, lab.stderr()).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    const by = (n: string) => summary.targets.find((t) => t.name === n)!;
    expect(by('flask-dev-nothreads').status).toBe('degraded');
    expect(by('waitress').status).toBe('held');
    expect(by('gunicorn-4').status).toBe('held');
    const peak = (n: string) => by(n).stages[1]!.rps;
    expect(peak('waitress') / peak('flask-dev-nothreads'), JSON.stringify(summary.targets.map((t) => [t.name, t.stages]))).toBeGreaterThan(1.5);
    expect(peak('gunicorn-4') / peak('flask-dev-nothreads')).toBeGreaterThan(1.5);
  });
});
