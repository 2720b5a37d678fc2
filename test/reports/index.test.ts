import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
