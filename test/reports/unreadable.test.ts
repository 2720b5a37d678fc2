import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../harness/results/load.ts';
import type { HistogramsFile } from '../../harness/results/format.ts';
import { writeIndex } from '../../reports/index.ts';
import { renderReport } from '../../reports/render.ts';
import { makeFixtureRun } from '../fixtures/run/make-fixture-run.ts';
import { FAILED_NAME } from '../fixtures/run/synthetic-targets.ts';

let root = '';
const text = (page: string) => page.replace(/<script[\s\S]*?<\/script>/g, '');

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-unreadable-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('results index: no run folder is silently dropped', () => {
  it('shows a corrupt manifest, a manifest of the wrong shape and a corrupt summary as "unreadable: why" rows', async () => {
    const idx = path.join(root, 'index-root');
    await makeFixtureRun(path.join(idx, 'good'));
    await mkdir(path.join(idx, 'broken-json'));
    await writeFile(path.join(idx, 'broken-json', 'manifest.json'), '{"runId": "x", ');
    await mkdir(path.join(idx, 'wrong-shape'));
    await writeFile(path.join(idx, 'wrong-shape', 'manifest.json'), '{"runId": 42, "targets": []}');
    await makeFixtureRun(path.join(idx, 'bad-summary'));
    await writeFile(path.join(idx, 'bad-summary', 'summary.json'), 'not json');
    await makeFixtureRun(path.join(idx, 'old-modes'), { modes: { capacity: true }, schema1: true });
    await makeFixtureRun(path.join(idx, 'new-modes'), { modes: { capacity: true, knee: true } });
    await mkdir(path.join(idx, 'just-a-folder'));
    const page = await readFile(await writeIndex(idx), 'utf8');
    expect(page).toContain('6 runs in this folder');
    const rowOf = (dir: string) => page.split('<tr>').find((r) => r.includes(`>${dir}`) || r.includes(`${dir}<br>`)) ?? '';
    expect(page).toMatch(/broken-json[\s\S]*?unreadable: manifest\.json is not valid JSON/);
    expect(page).toMatch(/wrong-shape[\s\S]*?unreadable: manifest\.json: expected &quot;runId&quot; to be a string, got 42/);
    expect(page).toMatch(/bad-summary[\s\S]*?unreadable: summary\.json is not valid JSON/);
    expect(rowOf('old-modes')).toContain('capacity');
    // A capacity / knee run has no summary.json by its shape: not a missing file.
    for (const dir of ['old-modes', 'new-modes']) expect(rowOf(dir), dir).not.toContain('no summary.json');
    expect(rowOf('new-modes')).toContain('capacity-knee');
    expect(rowOf('good')).not.toContain('unreadable');
    expect(page).not.toContain('just-a-folder');
  });
});

describe('report: a histogram that cannot be decoded is a visible note, not a missing curve', () => {
  it.each([
    ['not base64 at all', 'not base64!!'],
    ['valid base64 that hdr-histogram-js cannot decode', 'HISTFAAAACl4nJNpmSzMwMDAxMDAwMAA'],
  ])('%s', async (_label, bad) => {
    const dir = await makeFixtureRun(path.join(root, `hist-${bad.length}`));
    const file = path.join(dir, 't1', 'histograms.json');
    const h = JSON.parse(await readFile(file, 'utf8')) as HistogramsFile;
    await writeFile(file, JSON.stringify({ ...h, run: bad, stages: h.stages.map((s, i) => (i === 1 ? { ...s, raw: bad } : s)) }));
    const run = await loadRun(dir);
    expect(run.problems).toEqual([
      expect.stringMatching(/^t1\/histograms\.json: histogram "run" cannot be decoded \(.+\); it is left out of the charts$/),
      expect.stringMatching(/^t1\/histograms\.json: histogram "stages\[1\]\.raw" cannot be decoded/),
    ]);
    // The stages that do decode are still drawn.
    expect(run.targets[0]!.histograms!.stages.map((s) => s.index)).toEqual([0, 2]);
    const page = text(await renderReport(dir));
    expect(page).toContain('Some run files could not be used');
    expect(page).toContain('histogram &quot;run&quot; cannot be decoded');
  });
});

describe('report: target.log is never read through a link out of the run folder (issue 14, item 10)', () => {
  it('refuses a link to a file outside, and says so where the log would be', async () => {
    const dir = await makeFixtureRun(path.join(root, 'link-out'));
    const secret = path.join(root, 'outside-secret.txt');
    await writeFile(secret, 'TOP-SECRET-LINE-FROM-OUTSIDE\n');
    const failedDir = (await loadRun(dir)).targets.find((t) => t.entry.name === FAILED_NAME)!.entry.dir;
    const log = path.join(dir, failedDir, 'target.log');
    await rm(log);
    await symlink(secret, log);
    const run = await loadRun(dir);
    const tail = run.targets.find((t) => t.entry.name === FAILED_NAME)!.logTail;
    expect(tail).toEqual(['(target.log not shown: it is a link out of the run folder, so it was not read)']);
    const page = await renderReport(dir);
    expect(page).not.toContain('TOP-SECRET');
    expect(page).toContain('link out of the run folder');
  });

  it('refuses a target folder that is itself a link out, and a relative link that climbs out', async () => {
    const dir = await makeFixtureRun(path.join(root, 'dir-link'));
    const outside = path.join(root, 'outside-dir');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'target.log'), 'TOP-SECRET-VIA-DIR\n');
    const failedDir = (await loadRun(dir)).targets.find((t) => t.entry.name === FAILED_NAME)!.entry.dir;
    await rm(path.join(dir, failedDir), { recursive: true });
    await symlink(outside, path.join(dir, failedDir));
    expect(await renderReport(dir)).not.toContain('TOP-SECRET');

    const dir2 = await makeFixtureRun(path.join(root, 'rel-link'));
    const log = path.join(dir2, failedDir, 'target.log');
    await rm(log);
    await symlink(path.relative(path.dirname(log), path.join(root, 'outside-secret.txt')), log);
    expect(await renderReport(dir2)).not.toContain('TOP-SECRET');
  });

  it('still follows a link that stays inside the run folder', async () => {
    const dir = await makeFixtureRun(path.join(root, 'link-in'));
    const failedDir = (await loadRun(dir)).targets.find((t) => t.entry.name === FAILED_NAME)!.entry.dir;
    const log = path.join(dir, failedDir, 'target.log');
    await rm(log);
    await symlink('../t1/target.log', log);
    const tail = (await loadRun(dir)).targets.find((t) => t.entry.name === FAILED_NAME)!.logTail;
    expect(tail[0]).toMatch(/^SYNTHETIC fixture log for /);
  });
});
