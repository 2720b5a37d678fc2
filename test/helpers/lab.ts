import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import pidtree from 'pidtree';
import { gone } from './pids.ts';
import { targetProcesses, targetTrees, watchTree, type SeenProcess } from './process-tree.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (rel: string) => fileURLToPath(new URL(`../fixtures/${rel}`, import.meta.url));

export interface LabProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (a signal death counts as 128 + its number, like a shell). */
  exited: Promise<number>;
}

/** Run the real CLI as a child (one node process: no tsx wrapper between us and it). */
export function startLab(args: string[]): LabProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, sig) => resolve(code ?? (sig === 'SIGKILL' ? 137 : sig === 'SIGINT' ? 130 : 143)));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Poll until `check` is true; false once `withinMs` has passed. */
export async function waitFor(check: () => boolean | Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(100);
  }
  return false;
}

/** After a test: SIGKILL a lab still running and every PID the test saw under it; forget them. */
export function killLeftovers(lab: LabProcess | undefined, seen: Set<number>): void {
  if (lab?.child.exitCode === null) lab.child.kill('SIGKILL');
  for (const pid of seen) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  seen.clear();
}

export const descendants = (pid: number): Promise<number[]> => pidtree(pid).catch(() => []);

/**
 * Sample `lab`'s process tree until it exits. Returns the target processes it ran and, by PID,
 * whatever of the targets' trees (servers, workers, watchdogs, helpers) is still alive `withinMs`
 * after the exit; those are killed here, so a failed check leaves nothing running.
 */
export async function targetsLeftBehind(lab: LabProcess, withinMs = 3000): Promise<{ code: number; targets: SeenProcess[]; left: number[] }> {
  const tree = watchTree(lab.child.pid!);
  const code = await lab.exited;
  const seen = await tree.stop();
  const all = targetTrees(seen, lab.child.pid!);
  const left = (await Promise.all(all.map(async (p) => ((await gone(p.pid, withinMs)) ? null : p.pid)))).filter((p): p is number => p !== null);
  for (const pid of left) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
  return { code, targets: targetProcesses(seen, lab.child.pid!), left };
}
