import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimRunDir, LOCK_FILE } from '../../../harness/results/outdir.ts';
import { prepareRunDir } from '../../../harness/results/write.ts';
import { fixture, startLab } from '../../helpers/lab.ts';
import { freePort } from '../../../harness/spawn/start-target.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-outdir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const message = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => (e instanceof Error ? e.message : String(e)));

describe('claiming the run folder', () => {
  it('--force removes everything an earlier run left, its target folders included', async () => {
    const d = path.join(tmp, 'earlier');
    mkdirSync(path.join(d, 'old-target'), { recursive: true });
    writeFileSync(path.join(d, 'manifest.json'), '{}');
    writeFileSync(path.join(d, 'old-target', 'series.json'), '[]');
    await prepareRunDir({ out: d, force: true, profile: 'smoke', now: new Date() });
    expect(readdirSync(d)).toEqual([LOCK_FILE]);
    expect(readFileSync(path.join(d, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
  });

  it('--force refuses a folder that holds no earlier run, and leaves its files alone', async () => {
    const d = path.join(tmp, 'home-like');
    mkdirSync(d);
    writeFileSync(path.join(d, 'notes.txt'), 'mine');
    expect(await message(prepareRunDir({ out: d, force: true, profile: 'smoke', now: new Date() }))).toMatch(/^--out: .*home-like is not empty and holds no earlier run \(no manifest\.json\)/);
    expect(readdirSync(d)).toEqual(['notes.txt']);
  });

  it('a folder locked by a live lab is refused, even with --force; a dead lab\'s lock is taken over with --force', async () => {
    const d = path.join(tmp, 'locked');
    mkdirSync(d);
    writeFileSync(path.join(d, LOCK_FILE), `${process.ppid}\n`);
    expect(await message(claimRunDir(d, { force: true, label: '--out', shown: d }))).toBe(`--out: ${d} is being written by another lab (pid ${process.ppid})`);
    writeFileSync(path.join(d, LOCK_FILE), '2147483646\n');
    writeFileSync(path.join(d, 'manifest.json'), '{}');
    expect(await message(claimRunDir(d, { force: false, label: '--out', shown: d }))).toMatch(/is not empty/);
    await claimRunDir(d, { force: true, label: '--out', shown: d });
    expect(readdirSync(d)).toEqual([LOCK_FILE]);
  });

  it('two labs started at once on one --out: exactly one runs, the other is refused in one line (exit 2)', async () => {
    const out = path.join(tmp, 'race', 'run');
    // A tiny profile against a closed port keeps this short; the claim comes before any of it.
    const url = `http://127.0.0.1:${await freePort()}`;
    const labs = [0, 1].map(() => startLab(['--url', url, '--profile', fixture('profiles/tiny.ts'), '--out', out]));
    const codes = await Promise.all(labs.map((l) => l.exited));
    const refused = labs.filter((l) => /is being written by another lab|is not empty/.test(l.stderr()));
    expect(refused, labs.map((l) => l.stderr()).join('\n---\n')).toHaveLength(1);
    expect(codes.filter((c) => c === 2)).toHaveLength(1);
    expect(refused[0]!.stderr().trim().split('\n')).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { targets: unknown[] };
    expect(manifest.targets).toHaveLength(1);
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false);
  }, 120_000);
});
