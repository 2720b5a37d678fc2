import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureRun } from '../../fixtures/run/make-fixture-run.ts';
import { parseCompareArgs } from '../../../harness/cli/compare-args.ts';
import type { CompareFile, StageStats } from '../../../harness/results/format.ts';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const CLI = path.resolve('harness/cli/compare.ts');

async function compare(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(TSX, [CLI, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** Multiply one target's stage p95 (every repeat) by `factor`: a synthetic regression. */
async function scaleP95(runDir: string, dir: string, repeats: number, factor: number): Promise<void> {
  for (let k = 1; k <= repeats; k++) {
    const file = path.join(runDir, dir, k === 1 ? '' : `r${k}`, 'stages.json');
    const stages = JSON.parse(await readFile(file, 'utf8')) as StageStats[];
    await writeFile(file, JSON.stringify(stages.map((s) => ({ ...s, p95: s.p95 === null ? null : s.p95 * factor }))));
  }
}

describe('parseCompareArgs', () => {
  it('reads BASE NEW and the flags', () => {
    const f = parseCompareArgs(['a', 'b', '--out', 'o', '--fail-on', 'p95:+10%', '--confidence', '0.9']);
    expect(f).toMatchObject({ base: 'a', next: 'b', more: [], out: 'o', confidence: 0.9, failOn: { text: 'p95:+10%' } });
    expect(parseCompareArgs(['a', 'b', 'c', 'd']).more).toEqual(['c', 'd']);
  });
  it.each([
    [['a'], /expected at least two run folders BASE NEW, got 1/],
    [[], /got 0/],
    [['a', 'b', '--confidence', '1'], /--confidence: expected a number with 0.5 < C < 1, got "1"/],
    [['a', 'b', '--fail-on', 'p95:+10'], /rule "p95:\+10" is not METRIC/],
    [['a', 'b', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j as bad input', (argv, message) => {
    expect(() => parseCompareArgs(argv)).toThrow(message);
  });
});

describe('npm run compare on synthetic run folders', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loadlab-compare-'));
    await makeFixtureRun(path.join(dir, 'base'), { repeat: 5 });
    await makeFixtureRun(path.join(dir, 'same'), { repeat: 5 });
    await makeFixtureRun(path.join(dir, 'slower'), { repeat: 5, seed: 99 });
    await scaleP95(path.join(dir, 'slower'), 't1', 5, 1.5);
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds no detectable difference between identical runs and writes compare.json', async () => {
    const r = await compare([path.join(dir, 'base'), path.join(dir, 'same'), '--out', path.join(dir, 'out1'), '--fail-on', 'p95:+10%']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/express-dev — 5 vs 5 repeat\(s\)/);
    expect(r.stdout).not.toMatch(/ (better|worse)\n/);
    expect(r.stdout).toMatch(/pass --fail-on 'p95:\+10%'/);
    const f = JSON.parse(await readFile(path.join(dir, 'out1', 'compare.json'), 'utf8')) as CompareFile;
    expect(f.environment).toEqual([]);
    expect(f.targets[0]!.stages[0]!.cells[1]).toMatchObject({ metric: 'p95', p: 1, method: 'exact', verdict: 'no detectable difference' });
  });

  it('calls a 50 % slower p95 worse, names the differing seed, and exits 3 under --fail-on', async () => {
    const r = await compare([path.join(dir, 'base'), path.join(dir, 'slower'), '--out', path.join(dir, 'out2'), '--fail-on', 'p95:+10%,rps:-5%']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/different environments[\s\S]*seed: \d+ → 99/);
    expect(r.stdout).toMatch(/FAIL --fail-on 'p95:\+10%,rps:-5%'/);
    expect(r.stdout).toMatch(/express-dev stage \d p95: \+[\d.]+ \(\+[\d.]+ %\), p = 0\.0079 — rule p95:\+10%/);
    const f = JSON.parse(await readFile(path.join(dir, 'out2', 'compare.json'), 'utf8')) as CompareFile;
    const p95 = f.targets.find((t) => t.name === 'express-dev')!.stages.map((s) => s.cells.find((c) => c.metric === 'p95')!);
    expect(p95.every((c) => c.verdict === 'worse')).toBe(true);
  });

  it('passes the same regression when the rule allows it', async () => {
    const r = await compare([path.join(dir, 'base'), path.join(dir, 'slower'), '--out', path.join(dir, 'out3'), '--fail-on', 'p95:+80%']);
    expect(r.code).toBe(0);
  });

  it('shows the difference of single runs but calls its significance unknown, and never fails on it', async () => {
    await makeFixtureRun(path.join(dir, 'one-a'));
    await makeFixtureRun(path.join(dir, 'one-b'), { seed: 99 });
    await scaleP95(path.join(dir, 'one-b'), 't1', 1, 3);
    const r = await compare([path.join(dir, 'one-a'), path.join(dir, 'one-b'), '--out', path.join(dir, 'out4'), '--fail-on', 'p95:+10%']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/express-dev — 1 vs 1 repeat\(s\)/);
    expect(r.stdout).toMatch(/p95 .* \+\d+\.\d ms +\+\d+\.\d % +— +unknown/);
    expect(r.stdout).toMatch(/significance is unknown — run with --repeat 5/);
  });

  it('compares each further run against BASE: one folder per comparison, exit 3 when any crosses a rule', async () => {
    const out = path.join(dir, 'out-many');
    const r = await compare([path.join(dir, 'base'), path.join(dir, 'same'), path.join(dir, 'slower'), '--out', out, '--fail-on', 'p95:+10%']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/=== .*base → .*same \(1 of 2\)[\s\S]*pass --fail-on[\s\S]*=== .*base → .*slower \(2 of 2\)[\s\S]*FAIL --fail-on/);
    // The synthetic runs share one run id: the second folder gets the run's position as a suffix.
    const id = JSON.parse(await readFile(path.join(dir, 'same', 'manifest.json'), 'utf8')).runId as string;
    const files = await Promise.all([`vs-${id}`, `vs-${id}-3`].map(async (d) => JSON.parse(await readFile(path.join(out, d, 'compare.json'), 'utf8')) as CompareFile));
    expect(files.map((f) => f.breaches.length > 0)).toEqual([false, true]);
    expect(files.every((f) => f.base.dir === path.join(dir, 'base'))).toBe(true);
    // Each side's percentile spectra go with the comparison, for compare.html's overlays.
    const spectra = files[1]!.targets[0]!.spectra!;
    expect(spectra.filter((s) => s.stage === null).map((s) => s.side)).toEqual(['base', 'new']);
    expect(spectra.find((s) => s.side === 'base')!.points.length).toBeGreaterThan(20);
  });

  it('refuses a bad rule and a folder that is not a run with one line and exit 2', async () => {
    const bad = await compare([path.join(dir, 'base'), path.join(dir, 'same'), '--fail-on', 'p95:-10%']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['compare: --fail-on: rule "p95:-10%": p95 regresses upwards, so write p95:+10%']);
    const notRun = await compare([dir, path.join(dir, 'same')]);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/^compare: .* is not a run folder/);
  });
});
