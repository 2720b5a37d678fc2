import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { gone } from '../../helpers/pids.ts';
import { descendants, fixture, ROOT, waitFor } from '../../helpers/lab.ts';
import { startTarget, type StartedTarget } from '../../../harness/spawn/start-target.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-watchdog-'));
/** Every PID a test saw, killed by PID afterwards if an assertion left it behind. */
const seen = new Set<number>();
const started: StartedTarget[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
  for (const pid of seen) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  seen.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The grandchild's PID, as the target logs it. */
async function grandchildIn(logFile: string): Promise<number> {
  let pid = 0;
  expect(await waitFor(() => {
    const m = /grandchild=(\d+)/.exec(readFileSync(logFile, 'utf8'));
    pid = m ? Number(m[1]) : 0;
    return pid > 0;
  }, 10_000)).toBe(true);
  seen.add(pid);
  return pid;
}

describe('the watchdog between the lab and a target', () => {
  it('a normal stop also ends a grandchild that double-forked with setsid, and reports nothing left', async () => {
    const logFile = path.join(dir, 'setsid.log');
    const t = await startTarget({ file: fixture('targets/setsid-grandchild.ts'), name: 'setsid-grandchild', work: 'sleep', seed: 1, size: 1, readyTimeoutMs: 15_000, logFile });
    started.push(t);
    seen.add(t.pid);
    const grandchild = await grandchildIn(logFile);
    expect(await gone(grandchild, 200)).toBe(false);
    expect(await t.stop()).toEqual([]);
    expect(await gone(t.pid)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['a command target (Python) that ignores SIGTERM and has a setsid grandchild', 'command', fixture('spawn/stubborn-server.py')],
    ['a Node target with a setsid grandchild', 'file', fixture('targets/setsid-grandchild.ts')],
  ])('SIGKILL of the lab: %s is gone within seconds', async (_label, kind, file) => {
    const logFile = path.join(dir, `held-${kind}.log`);
    const lab = spawn(process.execPath, ['--import', 'tsx', fixture('spawn/hold-target.ts'), logFile, kind, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    seen.add(lab.pid!);
    let out = '';
    lab.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    expect(await waitFor(() => out.includes('\n'), 30_000)).toBe(true);
    const { pid } = JSON.parse(out) as { pid: number };
    seen.add(pid);
    const grandchild = await grandchildIn(logFile);
    const all = [pid, grandchild, ...(await descendants(lab.pid!))];
    for (const p of all) seen.add(p);

    lab.kill('SIGKILL');
    for (const p of all) expect(await gone(p, 5000), `pid ${p}`).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain('loadlab watchdog: the lab went away; stopping the target');
  });

  it('starts a command target with the LOADLAB_* environment and stops it although it ignores SIGTERM', async () => {
    const logFile = path.join(dir, 'command.log');
    const t = await startTarget({ command: ['python3', fixture('spawn/stubborn-server.py')], name: 'py', work: 'sleep', seed: 1, size: 1, readyTimeoutMs: 15_000, logFile });
    started.push(t);
    seen.add(t.pid);
    const grandchild = await grandchildIn(logFile);
    expect(await t.stop()).toEqual([]);
    expect((await t.exited).signal).toBe('SIGKILL');
    expect(await gone(t.pid)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
  });
});
