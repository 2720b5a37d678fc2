import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../../harness/results/load.ts';
import { renderReport } from '../../../reports/render.ts';
import { tempFixtureRun } from '../../reports/helpers.ts';

describe('loadRun', () => {
  let root = '';
  let runDir = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ root, runDir, cleanup } = await tempFixtureRun({ complete: false })));
  afterAll(() => cleanup());

  it('reads every target, tolerating the failed one\'s missing files', async () => {
    // The lab's lock on a folder it is still writing (the report is written before it exits) is not run data.
    await writeFile(path.join(runDir, '.loadlab.lock'), '12345\n');
    const run = await loadRun(runDir);
    expect(run.targets.map((t) => t.entry.state)).toEqual(['ok', 'ok', 'ok', 'failed']);
    expect(run.targets[0]!.series).toHaveLength(12);
    expect(run.targets[0]!.saturation).toHaveLength(12);
    expect(run.targets[3]!.series).toEqual([]);
    expect(run.targets[3]!.logTail.join('\n')).toContain('Cannot find module');
    expect(run.problems).toEqual([]);
    expect(run.files.map((f) => f.path)).toEqual(['manifest.json', 'summary.json']);
  });

  it('refuses a folder that is not a run folder, naming what is wrong', async () => {
    await expect(loadRun(path.join(root, 'nope'))).rejects.toMatchObject({ code: 'E_NOT_RUN_DIR', message: expect.stringContaining('is not a folder') });
    await mkdir(path.join(root, 'empty'));
    await expect(loadRun(path.join(root, 'empty'))).rejects.toThrow(/is not a run folder: manifest.json is missing/);
    await mkdir(path.join(root, 'bad'));
    await writeFile(path.join(root, 'bad', 'manifest.json'), '{"runId": 3}');
    await expect(loadRun(path.join(root, 'bad'))).rejects.toMatchObject({ code: 'E_BAD_MANIFEST', message: expect.stringContaining('"runId" to be a string') });
  });

  it('flags an incomplete run and still renders when an ok target lost its files', async () => {
    await rm(path.join(runDir, 't2', 'series.json'));
    const page = await renderReport(runDir);
    expect(page).toContain('Incomplete run.');
    expect(page).toContain('t2/series.json is missing');
  });
});
