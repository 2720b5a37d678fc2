import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary, ThresholdOutcome } from '../../harness/results/format.ts';
import { writeIndex } from '../../reports/index.ts';
import { writeReport } from '../../reports/render.ts';
import { makeFixtureRun } from '../fixtures/run/make-fixture-run.ts';
import { tempFixtureRun } from './helpers.ts';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

describe('results index and CLI', () => {
  let root = '';
  let runDir = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ root, runDir, cleanup } = await tempFixtureRun());
    await makeFixtureRun(path.join(root, 'run-open'), { model: 'open' });
    await writeFile(path.join(root, 'not-a-run.txt'), 'x');
  });
  afterAll(() => cleanup());

  it('lists run folders with their verdicts and links each report', async () => {
    await writeReport(runDir);
    const file = await writeIndex(root);
    const page = await readFile(file, 'utf8');
    expect(page).toContain('href="run-closed/report.html"');
    expect(page).toContain('no report yet: npm run report -- run-open');
    expect(page).toContain('fixture-step');
    expect(page).toContain('class="badge degraded"');
    expect(page).not.toContain('<img');
  });

  it('shows each run\'s validity verdict and thresholds outcome, from its summary.json alone', async () => {
    const outcome = (o: Partial<ThresholdOutcome>): ThresholdOutcome => ({
      expression: 'p95<300ms', source: 'cli', target: 'fast', metric: 'p95', op: '<', unit: 'ms', scope: 'run', status: 'pass',
      value: 120, limit: 300, stage: null, checks: [], message: 'p95 120 ms over the run (limit < 300 ms)', ...o,
    });
    const edit = async (dir: string, change: (s: Summary) => Summary) => {
      const file = path.join(root, dir, 'summary.json');
      await writeFile(file, JSON.stringify(change(JSON.parse(await readFile(file, 'utf8')) as Summary)));
    };
    await makeFixtureRun(path.join(root, 'run-gated'), { model: 'closed' });
    await edit('run-gated', (s) => ({ ...s, validity: { verdict: 'valid', why: [] }, thresholds: [outcome({}), outcome({ expression: 'errors<1%', target: 'slow', status: 'skipped' })] }));
    await edit('run-open', (s) => ({
      ...s,
      validity: { verdict: 'suspect', why: ['slow: the load generator was saturated', '<img src=x>'] },
      thresholds: [outcome({}), outcome({ expression: 'p95<300ms@every-stage', target: 'slow', status: 'fail', value: 897, stage: 1, message: 'p95 897 ms at stage 2 (limit < 300 ms)' }), { expression: 7 } as unknown as ThresholdOutcome],
    }));
    try {
      const page = await readFile(await writeIndex(root), 'utf8');
      const rowOf = (dir: string) => page.split('<tr>').find((r) => r.includes(`${dir}<`) || r.includes(`${dir}/report.html`)) ?? '';
      expect(page).toContain('<th>validity</th><th>thresholds</th>');
      expect(rowOf('run-gated')).toContain('<span class="badge held">valid</span>');
      expect(rowOf('run-gated')).toContain('<span class="badge pass">pass</span> all 1 passed <span class="muted">(1 skipped)</span>');
      const suspect = rowOf('run-open');
      expect(suspect).toContain('<span class="badge degraded">suspect</span><div class="muted">slow: the load generator was saturated · &lt;img src=x&gt;</div>');
      expect(suspect).toContain('<span class="badge fail">fail</span> 1 of 2 failed<div><code>slow: p95&lt;300ms@every-stage</code> <span class="muted">p95 897 ms at stage 2 (limit &lt; 300 ms)</span></div>');
      expect(suspect).not.toContain('fast: p95');
      // A run folder from before the check and without thresholds says so, rather than "valid".
      expect(rowOf('run-closed')).toContain('<span class="muted">not checked</span>');
      expect(rowOf('run-closed')).toContain('<td class="thresholds"><span class="muted">none</span></td>');
      expect(page).not.toContain('<img');
    } finally {
      await rm(path.join(root, 'run-gated'), { recursive: true, force: true });
    }
  });

  it('npm run report -- RUN_DIR prints the report path; bad input is one line and exit 2', async () => {
    const ok = await run(TSX, ['reports/cli.ts', runDir]);
    expect(ok.stdout.trim()).toBe(path.join(runDir, 'report.html'));
    const bad = await run(TSX, ['reports/cli.ts', path.join(root, 'missing')]).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
    const idx = await run(TSX, ['reports/cli.ts', '--index', root]);
    expect(idx.stdout.trim()).toBe(path.join(root, 'index.html'));
  });
});
