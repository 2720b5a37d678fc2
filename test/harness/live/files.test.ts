import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFile } from '../../../harness/live/files.ts';

describe('run-folder files for the live page: read-only, confined', () => {
  let root = '';
  let run = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-live-files-'));
    run = path.join(root, 'run');
    await mkdir(path.join(run, 'fastify'), { recursive: true });
    await writeFile(path.join(run, 'report.html'), '<!doctype html><p>report</p>');
    await writeFile(path.join(run, 'fastify', 'series.json'), '[]');
    await writeFile(path.join(run, 'fastify', 'target.log'), '<script>alert(1)</script>');
    await writeFile(path.join(root, 'secret.txt'), 'secret');
    await symlink(path.join(root, 'secret.txt'), path.join(run, 'fastify', 'leak.log'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('serves report.html as the only page; JSON as JSON; anything else as plain text', async () => {
    expect(await runFile(run, 'report.html')).toMatchObject({ type: 'text/html; charset=utf-8', csp: expect.stringContaining("default-src 'none'") });
    expect(await runFile(run, 'fastify/series.json')).toEqual({ text: '[]', type: 'application/json; charset=utf-8', csp: null });
    expect(await runFile(run, 'fastify/target.log')).toMatchObject({ type: 'text/plain; charset=utf-8' });
  });

  it('refuses paths out of the folder, links out of it, and files that are not there', async () => {
    for (const bad of ['../secret.txt', 'fastify/../../secret.txt', '/etc/passwd', '', 'fastify//series.json', './report.html', 'a\0b', '..\\secret.txt']) {
      expect(await runFile(run, bad), bad).toMatchObject({ status: 400 });
    }
    expect(await runFile(run, 'fastify/leak.log')).toMatchObject({ status: 400, refused: expect.stringMatching(/link out of the run folder/) });
    expect(await runFile(run, 'fastify/nope.json')).toEqual({ refused: 'no such file in the run folder', status: 404 });
    expect(await runFile(run, 'fastify')).toMatchObject({ status: 400 });
  });
});
