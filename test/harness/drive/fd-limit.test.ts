import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOpenFileLimit, openFileLimit } from '../../../harness/drive/fd-limit.ts';
import { closedProfileSchema, openProfileSchema } from '../../../profiles/lib/define.ts';
import { gone } from '../../helpers/pids.ts';
import { descendants, fixture, ROOT, startLab, waitFor } from '../../helpers/lab.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-fd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             unlimited            unlimited            processes
Max open files            1024                 4096                 files
`;
const closed = (users: number) => closedProfileSchema.parse({ name: 'c', duration: 5, stages: [{ at: 0, users, spawnRate: 10 }] });
const message = (f: () => void) => { try { f(); return 'no error'; } catch (e) { return (e as Error).message; } };

describe('the open-file limit, checked before a run starts', () => {
  it('reads the soft and hard limits from /proc/self/limits', () => {
    expect(openFileLimit(LIMITS)).toEqual({ soft: 1024, hard: 4096 });
    expect(openFileLimit(LIMITS.replace('1024                 4096', 'unlimited            unlimited'))).toEqual({ soft: Infinity, hard: Infinity });
    expect(openFileLimit()).not.toBeNull();
  });

  it('refuses users (closed) or maxInFlight (open) beyond it, saying how to raise it', () => {
    const limit = { soft: 1024, hard: 4096 };
    expect(message(() => checkOpenFileLimit(closed(900), limit))).toBe('no error');
    expect(message(() => checkOpenFileLimit(closed(2000), limit))).toBe('profile c: 2000 users need about 2102 open files (a connection each, plus 100 for the lab), but the open-file limit (ulimit -n) is 1024; raise it first (ulimit -n 2102 in the shell that starts the lab, as root, or limits.conf / docker --ulimit nofile=2102), or lower the users');
    const open = openProfileSchema.parse({ name: 'o', model: 'open', duration: 5, stages: [{ at: 0, rate: 10 }], maxInFlight: 3000 });
    expect(message(() => checkOpenFileLimit(open, limit))).toMatch(/^profile o: maxInFlight 3000 need about 3102 open files.*or lower the maxInFlight$/);
  });

  it('through the CLI under `ulimit -n 200`: one line, exit 2, nothing created', async () => {
    const out = path.join(tmp, 'refused');
    // Node raises its soft limit to the hard one at start-up, so the hard limit is lowered too.
    const cmd = `ulimit -n 200 && exec "${process.execPath}" --import tsx harness/cli/main.ts --profile "${fixture('profiles/many-users.ts')}" --targets express-dev --out "${out}"`;
    const res = await execa('bash', ['-c', cmd], { cwd: ROOT, reject: false });
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim().split('\n')).toEqual(['loadlab: profile many-users: 200 users need about 302 open files (a connection each, plus 100 for the lab), but the open-file limit (ulimit -n) is 200; raise it first (ulimit -n 302 in the shell that starts the lab, as root, or limits.conf / docker --ulimit nofile=302), or lower the users']);
    expect(existsSync(out)).toBe(false);
  });

  it('hit mid-run anyway (the limit lowered under a running lab): failures count as `other`, results are kept', async () => {
    const out = path.join(tmp, 'mid-run');
    const lab = startLab(['--profile', fixture('profiles/many-users.ts'), '--targets', 'express-dev', '--out', out]);
    const seen = new Set<number>();
    try {
      expect(await waitFor(async () => { for (const p of await descendants(lab.child.pid!)) seen.add(p); return /stage 1\/2|starting/.test(lab.stdout()) && seen.size >= 2; }, 60_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 2500));
      await execa('prlimit', ['--pid', String(lab.child.pid), '--nofile=120:120']);
      const code = await lab.exited;
      expect(code, lab.stderr()).toBe(0);
      const failures = JSON.parse(readFileSync(path.join(out, 'express-dev', 'failures.json'), 'utf8')) as { errors: Record<string, number>; samples: Record<string, string[]> };
      expect(failures.errors.other).toBeGreaterThan(0);
      expect(failures.samples.other!.join(' ')).toMatch(/EMFILE/);
      expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ complete: true });
    } finally {
      if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
      for (const p of seen) expect(await gone(p, 5000), `pid ${p}`).toBe(true);
    }
  }, 90_000);
});
