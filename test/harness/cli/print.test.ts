import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStages, runExitCode } from '../../../harness/cli/print.ts';
import type { RunManifest } from '../../../harness/results/format.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-print-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readStages: what the end-of-run table is built from', () => {
  const manifest = { targets: [{ name: 'ok', dir: 'ok' }, { name: 'corrupt', dir: 'corrupt' }, { name: 'missing', dir: 'missing' }, { name: 'not-a-list', dir: 'not-a-list' }] } as RunManifest;
  for (const [dir, text] of [['ok', '[{"index":0}]'], ['corrupt', '[{"index":'], ['not-a-list', '{"index":0}']] as const) {
    mkdirSync(path.join(tmp, dir));
    writeFileSync(path.join(tmp, dir, 'stages.json'), text);
  }

  it('reads a stages.json, and turns one it cannot read into an error naming the file (never an empty table)', async () => {
    const stages = await readStages(tmp, manifest);
    expect(stages.get('ok')).toEqual([{ index: 0 }]);
    for (const name of ['corrupt', 'missing', 'not-a-list']) {
      const s = stages.get(name);
      expect(s, name).toBeInstanceOf(Error);
      expect((s as Error).message).toMatch(new RegExp(`${name}/stages\\.json unreadable: \\S`));
    }
    expect((stages.get('missing') as Error).message).toContain('ENOENT');
    expect((stages.get('not-a-list') as Error).message).toContain('expected a list of stages, got object');
  });
});

describe('runExitCode: which code a profile run ends with', () => {
  const fail = [{ status: 'pass' as const }, { status: 'fail' as const }];
  it('3 for a failed threshold, 0 when all pass or there are none', () => {
    expect(runExitCode({ complete: true, targetFailed: false, thresholds: fail })).toBe(3);
    expect(runExitCode({ complete: true, targetFailed: false, thresholds: [{ status: 'pass' }, { status: 'skipped' }] })).toBe(0);
    expect(runExitCode({ complete: true, targetFailed: false, thresholds: [] })).toBe(0);
  });
  it('a failed target (1) and an interruption (130) come first', () => {
    expect(runExitCode({ complete: true, targetFailed: true, thresholds: fail })).toBe(1);
    expect(runExitCode({ complete: false, targetFailed: true, thresholds: fail })).toBe(130);
  });
});
