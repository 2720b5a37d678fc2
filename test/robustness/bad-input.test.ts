import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../harness/cli/args.ts';
import { discoverTargets, resolveProfile, resolveTargets, validateProfile, validateTarget } from '../../harness/input/discover.ts';
import { prepareRunDir } from '../../harness/results/write.ts';
import { fixture, startLab } from '../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const stage = (at: number, users: number) => ({ at, users, spawnRate: 1 });
const good = { name: 'launch', duration: 10, stages: [stage(0, 1), stage(2, 2), stage(4, 3)] };

/** Every message is one line naming the field, what was expected and what arrived. */
const profileRows: [string, object, string][] = [
  ['negative users', { ...good, stages: [stage(0, 1), stage(2, 2), stage(4, -5)] }, 'profile launch: stages[2].users must be ≥ 0, got -5'],
  ['non-numeric users', { ...good, stages: [{ at: 0, users: 'ten', spawnRate: 1 }] }, 'profile launch: stages[0].users must be a number, got "ten"'],
  ['fractional users', { ...good, stages: [stage(0, 1.5)] }, 'profile launch: stages[0].users must be a whole number, got 1.5'],
  ['stages out of order', { ...good, stages: [stage(0, 1), stage(6, 2), stage(3, 3)] }, 'profile launch: stages[2].at must be after stages[1].at (6), got 3'],
  ['first stage not at 0', { ...good, stages: [stage(1, 1)] }, 'profile launch: stages[0].at must be 0, got 1'],
  ['stage after the end', { ...good, duration: 3 }, 'profile launch: stages[2].at must be before duration (3), got 4'],
  ['no stages', { ...good, stages: [] }, 'profile launch: stages must list at least one stage, got []'],
  ['unknown key', { ...good, user: 3 }, 'profile launch: unknown key(s) "user"'],
  ['unknown key in a stage', { ...good, stages: [{ ...stage(0, 1), rate: 3 }] }, 'profile launch: stages[0] unknown key(s) "rate"'],
  ['empty task list', { ...good, tasks: [] }, 'profile launch: tasks must list at least one task, got []'],
  ['task path without /', { ...good, tasks: [{ name: 'x', path: 'api' }] }, 'profile launch: tasks[0].path must start with "/", got "api"'],
  ['wait min > max', { ...good, wait: { kind: 'between', min: 2, max: 1 } }, 'profile launch: wait.min must be ≤ max (1), got 2'],
  ['unknown wait kind', { ...good, wait: { kind: 'random' } }, 'profile launch: wait.kind must be one of "between", "constant", "constantPacing", got "random"'],
  ['zero duration', { ...good, duration: 0 }, 'profile launch: duration must be > 0, got 0'],
  ['duration over the cap', { ...good, duration: 99_999 }, 'profile launch: duration must be ≤ 3600, got 99999'],
  ['missing duration', { name: 'launch', stages: good.stages }, 'profile launch: duration is required (number)'],
  ['negative timeout', { ...good, timeoutMs: -1 }, 'profile launch: timeoutMs must be > 0, got -1'],
  ['unknown model', { ...good, model: 'half' }, 'profile launch: model must be "closed" or "open", got "half"'],
  ['open model, negative rate', { ...good, model: 'open', stages: [{ at: 0, rate: -1 }] }, 'profile launch: stages[0].rate must be ≥ 0, got -1'],
  ['name with a space', { ...good, name: 'my profile' }, 'profile launch: name must be letters, digits, ".", "_" or "-", got "my profile"'],
];

const start = () => undefined;
const targetRows: [string, object, string][] = [
  ['missing start', { name: 't', description: 'd' }, 'target t: start must be a function that starts the server'],
  ['start is not a function', { name: 't', description: 'd', start: 3 }, 'target t: start must be a function that starts the server, got 3'],
  ['size 0', { name: 't', description: 'd', start, defaultSize: 0 }, 'target t: defaultSize must be > 0, got 0'],
  ['unknown key', { name: 't', description: 'd', start, port: 80 }, 'target t: unknown key(s) "port"'],
  ['non-string env', { name: 't', description: 'd', start, env: { A: 1 } }, 'target t: env.A must be a string, got 1'],
];

const flagRows: [string, string[], string][] = [
  ['bad --work', ['--work', 'gpu'], '--work: must be one of "block", "sleep", "cpu", got "gpu"'],
  ['non-numeric --seed', ['--seed', 'abc'], '--seed: must be a whole number, got "abc"'],
  ['negative --seed', ['--seed', '-1'], '--seed: must be ≥ 0, got "-1"'],
  ['fractional --seed', ['--seed', '1.5'], '--seed: must be a whole number, got "1.5"'],
  ['--size 0', ['--size', '0'], '--size: must be ≥ 1, got "0"'],
  ['--timeout-ms 0', ['--timeout-ms', '0'], '--timeout-ms: must be ≥ 1, got "0"'],
  ['unknown flag', ['--bogus'], "Unknown option '--bogus' (see --help)"],
  ['empty --targets', ['--targets', ','], '--targets: must name at least one target'],
  ['flag without its value', ['--profile'], "Option '--profile <value>' argument missing (see --help)"],
  ['positional argument', ['smoke'], "Unexpected argument 'smoke'. This command does not take positional arguments (see --help)"],
];

const oneLine = (m: string) => expect(m).not.toContain('\n');

async function messageOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toMatchObject({ name: 'LabError', code: 'BAD_INPUT' });
    return (err as Error).message;
  }
  throw new Error('expected a BAD_INPUT error, got none');
}

describe('bad input is one line naming the field', () => {
  it.each(profileRows)('profile: %s', async (_label, def, expected) => {
    const m = await messageOf(() => validateProfile(def, 'profile launch'));
    expect(m).toBe(expected);
    oneLine(m);
  });

  it.each(targetRows)('target: %s', async (_label, def, expected) => {
    expect(await messageOf(() => validateTarget(def, 'target t'))).toBe(expected);
  });

  it.each(flagRows)('flag: %s', async (_label, argv, expected) => {
    expect(await messageOf(() => parseLabArgs(argv))).toBe(expected);
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['unknown profile name', () => resolveProfile('nope'), /^--profile: unknown profile "nope" \(known: .*smoke.*\)$/],
    ['profile file that throws on import', () => resolveProfile(fixture('profiles/throws.ts')), /^profile file test\/fixtures\/profiles\/throws\.ts: failed to load: cannot read stages\.csv$/],
    ['default export is not a profile', () => resolveProfile(fixture('profiles/not-a-profile.ts')), /^profile file test\/fixtures\/profiles\/not-a-profile\.ts: default export must be defineProfile\(\{\.\.\.\}\)$/],
    ['unknown target name', () => resolveTargets(['express-dev', 'nginx']), /^--targets: unknown target "nginx" \(known: .*express-dev.*\)$/],
    ['target file missing start', () => resolveTargets([fixture('targets/no-start.ts')]), /^target no-start: start must be a function that starts the server$/],
    ['target file that does not exist', () => resolveTargets([path.join(tmp, 'missing.ts')]), /^target file .*missing\.ts: failed to load: /],
    ['duplicate target name', () => discoverTargets(fixture('dup-targets')), /^target name "twin" is defined twice$/],
  ])('files and names: %s', async (_label, run, expected) => {
    const m = await messageOf(run());
    expect(m).toMatch(expected);
    oneLine(m);
  });
});

describe('--out', () => {
  const now = new Date();
  const prepare = (out: string, force = false) => prepareRunDir({ out, force, profile: 'smoke', now });

  it.each<[string, () => string, RegExp]>([
    ['points at a file', () => { const f = path.join(tmp, 'a-file'); writeFileSync(f, 'x'); return f; }, /^--out: .*a-file is a file, expected a folder$/],
    // Tests run as root, which ignores modes: a folder under a regular file or in /proc cannot be made even so.
    ['is under a regular file', () => { const f = path.join(tmp, 'plain'); writeFileSync(f, 'x'); return path.join(f, 'run'); }, /^--out: cannot write results to .*plain\/run: .*plain is a file, not a folder$/],
    ['is under /proc', () => '/proc/loadlab-test/run', /^--out: cannot write results to \/proc\/loadlab-test\/run: cannot create \/proc\/loadlab-test \(ENOENT\)$/],
    ['is a non-empty folder without --force', () => { const d = path.join(tmp, 'earlier'); mkdirSync(d); writeFileSync(path.join(d, 'manifest.json'), '{}'); return d; }, /^--out: .*earlier is not empty \(pass --force to overwrite it\)$/],
  ])('refused when it %s', async (_label, makeOut, expected) => {
    expect(await messageOf(prepare(makeOut()))).toMatch(expected);
  });

  it('accepts a non-empty folder with --force, and creates a missing one', async () => {
    const d = path.join(tmp, 'forced');
    mkdirSync(d);
    writeFileSync(path.join(d, 'old.txt'), 'x');
    expect(await prepare(d, true)).toBe(d);
    const fresh = path.join(tmp, 'new', 'deeper');
    expect(await prepare(fresh)).toBe(fresh);
    expect(readdirSync(fresh)).toEqual([]);
  });
});

describe('through the real CLI: exit 2, one line on stderr, nothing written', () => {
  const earlier = path.join(tmp, 'earlier-run');

  it.each<[string, string[], RegExp]>([
    ['bad profile file', ['--profile', fixture('profiles/negative-users.ts')], /^loadlab: profile negative-users: stages\[2\]\.users must be ≥ 0, got -5$/],
    ['unknown target', ['--profile', 'smoke', '--targets', 'nginx'], /^loadlab: --targets: unknown target "nginx"/],
    ['bad --work', ['--work', 'gpu'], /^loadlab: --work: must be one of "block", "sleep", "cpu", got "gpu"$/],
    ['non-empty --out without --force', ['--profile', 'smoke', '--targets', 'express-dev'], /^loadlab: --out: .* is not empty \(pass --force to overwrite it\)$/],
  ])('%s', async (_label, args, expected) => {
    rmSync(earlier, { recursive: true, force: true });
    mkdirSync(earlier);
    writeFileSync(path.join(earlier, 'manifest.json'), '{"earlier":true}');
    const lab = startLab([...args, '--out', earlier]);
    expect(await lab.exited).toBe(2);
    const lines = lab.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(readdirSync(earlier)).toEqual(['manifest.json']);
  });
});
