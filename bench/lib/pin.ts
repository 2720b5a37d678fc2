import { execFileSync } from 'node:child_process';
import os from 'node:os';

/**
 * `npm run bench -- --pin`: the target on the last CPU, every generator on CPU 0, via taskset.
 * On 2 cores the scheduler otherwise moves them around and now and then puts both on one core
 * for a while: a turn that loses a third of its rate to that says nothing about the generator.
 * Both sides of a figure are pinned alike. Off unless asked: on a busy machine a pinned process
 * cannot move away from a neighbour either.
 */
let pinning = false;

/** Why pinning cannot work here, or null. */
export function cannotPin(): string | null {
  if (os.availableParallelism() < 2) return 'needs at least 2 CPUs';
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'needs taskset (apt-get install -y util-linux)';
  }
  return null;
}

export function setPinning(on: boolean): void {
  pinning = on;
}

/** Pin every thread of `pid` (taskset -a) to its role's CPU, when --pin is on (no pid: the spawn failed, and says so itself). */
export function pin(pid: number | undefined, role: 'target' | 'generator'): void {
  if (!pinning || pid === undefined) return;
  const cpu = role === 'target' ? os.availableParallelism() - 1 : 0;
  try {
    execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch (err) {
    if (alive(pid)) throw err;
  }
}

/** A child that ended before it could be pinned (a failed start) is reported by its own exit, not here. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
