import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompareFile } from '../../harness/results/format.ts';

// Heavy: starts servers and sends load. Run under the shared lock (about a minute).
const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const PROFILE = path.resolve('test/fixtures/profiles/compare-tiny.ts');
let dir = '';

async function exec(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(TSX, [file, ...args], { timeout: 90_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const lab = async (name: string, work: string, repeat: number) => {
  const out = path.join(dir, name);
  const r = await exec('harness/cli/main.ts', ['--profile', PROFILE, '--targets', 'express-dev', '--work', work, '--repeat', String(repeat), '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
};

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run compare (end to end, express-dev on a 4 s profile)', () => {
  it('finds no difference between two runs of the same thing, and a significant regression from sleep to block work', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'loadlab-compare-e2e-'));
    const sleepA = await lab('sleep-a', 'sleep', 3);
    const sleepB = await lab('sleep-b', 'sleep', 3);
    const block = await lab('block', 'block', 5);

    const same = await exec('harness/cli/compare.ts', [sleepA, sleepB, '--out', path.join(dir, 'same'), '--fail-on', 'p95:+10%,rps:-5%']);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    const s = JSON.parse(await readFile(path.join(dir, 'same', 'compare.json'), 'utf8')) as CompareFile;
    expect(s.environment).toEqual([]);
    const sameCells = s.targets[0]!.stages.flatMap((st) => st.cells);
    expect(sameCells).toHaveLength(10);
    expect(sameCells.every((c) => c.verdict === 'no detectable difference' && c.baseValues.length === 3 && c.newValues.length === 3)).toBe(true);
    // 3 vs 3 can never reach p < 0.05: the output says so rather than implying "same".
    expect(same.stdout).toMatch(/smallest possible p is 0\.100/);

    const worse = await exec('harness/cli/compare.ts', [sleepA, block, '--out', path.join(dir, 'worse'), '--fail-on', 'p95:+10%']);
    expect(worse.code, worse.stdout + worse.stderr).toBe(3);
    expect(worse.stdout).toMatch(/different environments[\s\S]*work: sleep → block/);
    const w = JSON.parse(await readFile(path.join(dir, 'worse', 'compare.json'), 'utf8')) as CompareFile;
    const peak = w.targets[0]!.stages.at(-1)!;
    const cell = (m: string) => peak.cells.find((c) => c.metric === m)!;
    // 8 users offer ≈ 75 req/s; one-at-a-time block work serves ≈ 18 req/s: p95 and req/s both much worse.
    expect(cell('p95')).toMatchObject({ verdict: 'worse', method: 'exact' });
    // Fully separated 3 vs 5 gives 2/56 without ties; measured values can tie (HDR buckets), and
    // the exact test conditions on the ties, so one tail can be out of reach (1/56 was seen).
    expect(cell('p95').p!).toBeLessThanOrEqual(2 / 56 + 1e-12);
    expect(cell('p95').deltaPct!).toBeGreaterThan(100);
    expect(cell('rps').verdict).toBe('worse');
    expect(w.breaches.some((b) => b.metric === 'p95' && b.stage === peak.index)).toBe(true);
  }, 150_000);
});
