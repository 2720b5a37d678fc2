import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../harness/cli/args.ts';
import { discoverProfiles, discoverTargets, resolveProfile, resolveTargets, validateProfile, validateTarget } from '../../harness/input/discover.ts';
import { concurrencyOf } from '../../harness/input/concurrency.ts';
import { defineTarget } from '../../targets/lib/define.ts';
import { prepareRunDir } from '../../harness/results/write.ts';
import { fixture, startLab } from '../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Written at test time: a fixture with a syntax error would break the type-check of the repo. */
function syntaxErrorProfile(): string {
  const file = path.join(tmp, 'syntax-error.ts');
  writeFileSync(file, "import { defineProfile } from 'x';\nexport default defineProfile({\n  name: 'x',\n  duration: 10,,\n});\n");
  return file;
}

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
  // JSON has no NaN or Infinity: a message that serialises the value must still name it.
  ['NaN duration', { ...good, duration: NaN }, 'profile launch: duration must be a number, got NaN'],
  ['Infinity duration', { ...good, duration: Infinity }, 'profile launch: duration must be a finite number, got Infinity'],
  ['NaN users', { ...good, stages: [stage(0, NaN)] }, 'profile launch: stages[0].users must be a number, got NaN'],
  ['-Infinity wait', { ...good, wait: { kind: 'constant', seconds: -Infinity } }, 'profile launch: wait.seconds must be a finite number, got -Infinity'],
  ['NaN timeout', { ...good, timeoutMs: NaN }, 'profile launch: timeoutMs must be a number, got NaN'],
  ['open model, NaN rate', { ...good, model: 'open', stages: [{ at: 0, rate: NaN }] }, 'profile launch: stages[0].rate must be a number, got NaN'],
  ['model NaN', { ...good, model: NaN }, 'profile launch: model must be "closed" or "open", got NaN'],
];

const start = () => undefined;
const targetRows: [string, object, string][] = [
  ['missing start', { name: 't', description: 'd' }, 'target t: start is required: give start (a Node function) or command (an argv array)'],
  ['start is not a function', { name: 't', description: 'd', start: 3 }, 'target t: start must be a function that starts the server, got 3'],
  ['size 0', { name: 't', description: 'd', start, defaultSize: 0 }, 'target t: defaultSize must be > 0, got 0'],
  ['unknown key', { name: 't', description: 'd', start, port: 80 }, 'target t: unknown key(s) "port"'],
  ['non-string env', { name: 't', description: 'd', start, env: { A: 1 } }, 'target t: env.A must be a string, got 1'],
  ['Infinity ready timeout', { name: 't', description: 'd', start, readyTimeoutSeconds: Infinity }, 'target t: readyTimeoutSeconds must be ≤ 300, got Infinity'],
];

/** A target's declared concurrency is checked for the size it will run at, before anything starts. */
const concurrencyRows: [string, (size: number) => unknown, string][] = [
  ['throws', () => { throw new Error('pool size not configured'); }, 'target t: concurrency(4) threw: pool size not configured'],
  ['returns NaN', () => NaN, 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got NaN'],
  ['returns 0', () => 0, 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got 0'],
  ['returns a negative number', () => -2, 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got -2'],
  ['returns a fraction', (size: number) => size / 3, 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got 1.3333333333333333'],
  ['returns a string', () => '4', 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got "4"'],
  ['returns nothing', () => undefined, 'target t: concurrency(4) must return a whole number ≥ 1 or Infinity, got undefined'],
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
  // A repeated flag must not silently keep only its last value.
  ['--profile twice', ['--profile', 'smoke', '--profile', 'launch'], '--profile: given 2 times ("smoke", "launch"); give it once'],
  ['--seed twice, same value', ['--seed', '1', '--seed=1'], '--seed: given 2 times ("1", "1"); give it once'],
  ['--out twice', ['--out', 'a', '--out', 'b', '--out', 'c'], '--out: given 3 times ("a", "b", "c"); give it once'],
  ['--url twice', ['--url', 'http://127.0.0.1:1', '--url', 'http://127.0.0.1:2'], '--url: given 2 times ("http://127.0.0.1:1", "http://127.0.0.1:2"); give it once'],
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

  it.each(concurrencyRows)('target concurrency: %s', async (_label, concurrency, expected) => {
    const t = { file: 't.ts', definition: defineTarget({ name: 't', description: 'd', defaultSize: 4, concurrency: concurrency as (size: number) => number, start }) };
    const m = await messageOf(() => concurrencyOf(t, undefined));
    expect(m).toBe(expected);
    oneLine(m);
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['unknown profile name', () => resolveProfile('nope'), /^--profile: unknown profile "nope" \(known: .*smoke.*\)$/],
    ['profile file that throws on import', () => resolveProfile(fixture('profiles/throws.ts')), /^profile file test\/fixtures\/profiles\/throws\.ts: failed to load: cannot read stages\.csv$/],
    ['default export is not a profile', () => resolveProfile(fixture('profiles/not-a-profile.ts')), /^profile file test\/fixtures\/profiles\/not-a-profile\.ts: default export must be defineProfile\(\{\.\.\.\}\)$/],
    ['unknown target name', () => resolveTargets(['express-dev', 'nginx']), /^--targets: unknown target or group "nginx" \(targets: .*express-dev.*; groups: default, all, fast, python\)$/],
    ['target file missing start', () => resolveTargets([fixture('targets/no-start.ts')]), /^target no-start: start is required: give start \(a Node function\) or command \(an argv array\)$/],
    ['target file that does not exist', () => resolveTargets([path.join(tmp, 'missing.ts')]), /^target file .*missing\.ts: failed to load: /],
    ['duplicate target name', () => discoverTargets(fixture('dup-targets')), /^target name "twin" is defined twice \(test\/fixtures\/dup-targets\/a\.ts and test\/fixtures\/dup-targets\/b\.ts\); each target needs its own name$/],
    ['one target selected twice', () => resolveTargets(['express-dev', 'worker-pool', 'express-dev']), /^--targets: target name "express-dev" is selected twice \(targets\/express-dev\.ts\); each target needs its own name$/],
    ['a file target whose name is taken', () => resolveTargets(['express-dev', fixture('targets/named-express-dev.ts')]), /^--targets: target name "express-dev" is selected twice \(targets\/express-dev\.ts and test\/fixtures\/targets\/named-express-dev\.ts\); each target needs its own name$/],
    ['names that differ only in case', () => resolveTargets([fixture('targets/named-express-dev-upper.ts'), 'express-dev']), /^--targets: target name "express-dev" is selected twice \(test\/fixtures\/targets\/named-express-dev-upper\.ts and targets\/express-dev\.ts\)/],
    ['duplicate profile name', () => discoverProfiles(fixture('dup-profiles')), /^profile name "twin" is defined twice \(test\/fixtures\/dup-profiles\/a\.ts and test\/fixtures\/dup-profiles\/b\.ts\); each profile needs its own name$/],
    ['a profile asked for by its file name, not its name', () => resolveProfile('file-name', fixture('profile-names')), /^--profile: unknown profile "file-name" \(known: by-name\)$/],
    ['a profile with a syntax error', () => resolveProfile(syntaxErrorProfile()), /^profile file .*syntax-error\.ts: failed to load: syntax error at .*syntax-error\.ts:4:15: Expected identifier but found ","$/],
  ])('files and names: %s', async (_label, run, expected) => {
    const m = await messageOf(run());
    expect(m).toMatch(expected);
    oneLine(m);
  });
});

describe('names', () => {
  it('a group and one of its members are one selection, in either order', async () => {
    const names = async (sel: string[]) => (await resolveTargets(sel)).map((t) => t.definition.name);
    const python = await names(['python']);
    expect(python).toContain('waitress');
    expect(await names(['python', 'waitress'])).toEqual(python);
    expect(await names(['waitress', 'python'])).toEqual(['waitress', ...python.filter((n) => n !== 'waitress')]);
  });

  it('a profile is selected by the name --list shows', async () => {
    const found = await resolveProfile('by-name', fixture('profile-names'));
    expect(found.profile.name).toBe('by-name');
    expect(found.file).toBe(fixture('profile-names/file-name.ts'));
  });

  it('every shipped profile is found by its listed name', async () => {
    for (const p of await discoverProfiles()) expect((await resolveProfile(p.profile.name)).file).toBe(p.file);
  });

  it('a list flag given twice is merged, in order', () => {
    expect(parseLabArgs(['--targets', 'express-dev', '--targets', 'fastify,worker-pool']).targets).toEqual(['express-dev', 'fastify', 'worker-pool']);
    expect(parseLabArgs(['--force', '--force']).force).toBe(true);
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

  it('accepts an earlier run folder with --force, and creates a missing one (both claimed by a lock file)', async () => {
    const d = path.join(tmp, 'forced');
    mkdirSync(d);
    writeFileSync(path.join(d, 'manifest.json'), '{}');
    expect(await prepare(d, true)).toBe(d);
    const fresh = path.join(tmp, 'new', 'deeper');
    expect(await prepare(fresh)).toBe(fresh);
    expect(readdirSync(fresh)).toEqual(['.loadlab.lock']);
  });
});

describe('through the real CLI: exit 2, one line on stderr, nothing written', () => {
  const earlier = path.join(tmp, 'earlier-run');

  it.each<[string, string[], RegExp]>([
    ['bad profile file', ['--profile', fixture('profiles/negative-users.ts')], /^loadlab: profile negative-users: stages\[2\]\.users must be ≥ 0, got -5$/],
    ['unknown target', ['--profile', 'smoke', '--targets', 'nginx'], /^loadlab: --targets: unknown target or group "nginx"/],
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

  // Rows that fail to refuse would run: each names the short smoke profile so that costs seconds, not minutes.
  it.each<[string, () => string[], RegExp]>([
    ['concurrency() throws', () => ['--profile', 'smoke', '--targets', fixture('targets/concurrency-throws.ts')], /^loadlab: target concurrency-throws: concurrency\(4\) threw: pool size not configured$/],
    ['concurrency() is NaN', () => ['--profile', 'smoke', '--targets', fixture('targets/concurrency-nan.ts')], /^loadlab: target concurrency-nan: concurrency\(1\) must return a whole number ≥ 1 or Infinity, got NaN$/],
    ['concurrency() is 0, in --capacity', () => ['--capacity', '--capacity-seconds', '1', '--targets', fixture('targets/concurrency-zero.ts')], /^loadlab: target concurrency-zero: concurrency\(1\) must return a whole number ≥ 1 or Infinity, got 0$/],
    ['one target twice', () => ['--profile', 'smoke', '--targets', 'express-dev,express-dev'], /^loadlab: --targets: target name "express-dev" is selected twice/],
    ['one target twice, over two flags', () => ['--profile', 'smoke', '--targets', 'express-dev', '--targets', 'express-dev'], /^loadlab: --targets: target name "express-dev" is selected twice/],
    ['a file target whose name is taken', () => ['--profile', 'smoke', '--targets', `express-dev,${fixture('targets/named-express-dev.ts')}`], /^loadlab: --targets: target name "express-dev" is selected twice/],
    ['--profile given twice', () => ['--profile', 'smoke', '--profile', 'tiny', '--targets', 'express-dev'], /^loadlab: --profile: given 2 times \("smoke", "tiny"\); give it once$/],
    ['a profile with a syntax error', () => ['--profile', syntaxErrorProfile(), '--targets', 'express-dev'], /^loadlab: profile file .*syntax-error\.ts: failed to load: syntax error at .*syntax-error\.ts:4:15: Expected identifier but found ","$/],
  ])('%s: nothing created', async (_label, args, expected) => {
    const out = path.join(tmp, 'never-made');
    const lab = startLab([...args(), '--out', out]);
    expect(await lab.exited).toBe(2);
    const lines = lab.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(existsSync(out)).toBe(false);
  });
});
