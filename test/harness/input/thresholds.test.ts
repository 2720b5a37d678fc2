import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateProfile } from '../../../harness/input/discover.ts';
import { checkThresholds, cliThresholds, profileThresholds } from '../../../harness/input/thresholds.ts';
import { parseLabArgs } from '../../../harness/cli/args.ts';
import { checkJunitFile } from '../../../harness/cli/junit.ts';
import { LabError } from '../../../harness/errors.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-thresholds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const profile = (over: object) => ({ name: 'step', duration: 10, stages: [{ at: 0, users: 1, spawnRate: 1 }, { at: 5, users: 2, spawnRate: 1, name: 'peak' }], ...over });
const refusal = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(LabError); expect((e as LabError).code).toBe('BAD_INPUT'); return (e as Error).message; }
  throw new Error('expected a refusal');
};

describe('a profile\'s thresholds', () => {
  it('takes expressions and objects, in one grammar', () => {
    const p = validateProfile(profile({ thresholds: ['p95<300ms@every-stage', { metric: 'rps', op: '>=', value: '0.9*offered', scope: 'stage=peak' }, { metric: 'errors', op: '<', value: '1%', target: 'fastify' }] }), 'profile step');
    expect(profileThresholds(p, 'profile step').map((t) => [t.expression, t.source, t.target, t.scope])).toEqual([
      ['p95<300ms@every-stage', 'profile', null, { kind: 'every-stage' }],
      ['rps>=0.9*offered@stage=peak', 'profile', null, { kind: 'stage', name: 'peak' }],
      ['fastify:errors<1%', 'profile', 'fastify', { kind: 'run' }],
    ]);
  });

  it.each<[string, object, string]>([
    ['a bad expression', { thresholds: ['p95<300'] }, 'profile step: thresholds[0] "p95<300": p95 is a latency: give it in ms or s, e.g. "p95<300ms", got "300"'],
    ['a bad value in an object', { thresholds: [{ metric: 'errors', op: '<', value: '0.01' }] }, 'profile step: thresholds[0] "errors<0.01": errors is a share of requests: give it in %, e.g. "errors<1%", got "0.01"'],
    ['a bad scope in an object', { thresholds: ['p95<1s', { metric: 'p95', op: '<', value: '1s', scope: 'peak' }] }, 'profile step: thresholds[1] "p95<1s@peak": scope must be @run, @every-stage, @stage=N (from 1) or @stage=NAME, got "@peak"'],
    ['an unknown metric (zod)', { thresholds: [{ metric: 'p97', op: '<', value: '1s' }] }, 'profile step: thresholds[0].metric must be one of "p50", "p90", "p95", "p99", "p999", "max", "mean", "rps", "errors", got "p97"'],
    ['a stage name twice', { stages: [{ at: 0, users: 1, spawnRate: 1, name: 'a' }, { at: 5, users: 2, spawnRate: 1, name: 'a' }] }, 'profile step: stages[1].name must differ from stages[0].name, got "a" twice'],
    ['a stage name of digits', { stages: [{ at: 0, users: 1, spawnRate: 1, name: '2' }] }, 'profile step: stages[0].name must not be only digits (@stage=N means the N-th stage), got "2"'],
  ])('refuses %s in one line naming it', (_label, over, message) => {
    expect(refusal(() => validateProfile(profile(over), 'profile step'))).toBe(message);
  });
});

describe('--assert and --junit', () => {
  it('--assert is repeatable and keeps each expression whole', () => {
    const f = parseLabArgs(['--assert', 'p95<300ms', '--assert', 'errors<1%', '--junit', 'out.xml']);
    expect(f.assert).toEqual(['p95<300ms', 'errors<1%']);
    expect(f.junit).toBe('out.xml');
    expect(cliThresholds(f.assert).map((t) => t.source)).toEqual(['cli', 'cli']);
    expect(parseLabArgs([]).assert).toEqual([]);
  });

  it('refuses a bad expression naming it, and thresholds with --capacity or --knee', () => {
    expect(refusal(() => cliThresholds(['p95<300ms', 'p95 < fast']))).toBe('--assert "p95 < fast": p95 is a latency: give it in ms or s, e.g. "p95<300ms", got "fast"');
    expect(refusal(() => parseLabArgs(['--capacity', '--assert', 'p95<1s']))).toBe('--assert: thresholds apply to profile runs, not to --capacity');
    expect(refusal(() => parseLabArgs(['--knee', '--junit', 'x.xml']))).toBe('--junit: thresholds apply to profile runs, not to --knee');
  });

  it('refuses a target or stage the run will not have', () => {
    const run = { targets: ['express-dev'], stages: [{}, { name: 'peak' }] };
    expect(() => checkThresholds(cliThresholds(['express-dev:p95<1s@stage=peak']), run, 'step')).not.toThrow();
    expect(refusal(() => checkThresholds(cliThresholds(['fastify:p95<1s']), run, 'step'))).toBe('--assert "fastify:p95<1s": no target "fastify" in this run (targets: express-dev)');
    const fromProfile = profileThresholds({ thresholds: ['p95<1s@stage=3'] }, 'profile step');
    expect(refusal(() => checkThresholds(fromProfile, run, 'step'))).toBe('profile step: threshold "p95<1s@stage=3": the profile has 2 stage(s), got stage=3');
  });

  it('--junit needs thresholds to report and a file it can write', async () => {
    await expect(checkJunitFile(path.join(tmp, 'a.xml'), 0)).rejects.toThrow('--junit: no thresholds to report: give --assert EXPR, or a profile with thresholds');
    await expect(checkJunitFile(tmp, 1)).rejects.toThrow(`--junit: ${tmp} is a folder`);
    await expect(checkJunitFile(path.join(tmp, 'new', 'dir', 'a.xml'), 1)).resolves.toBeUndefined();
  });
});
