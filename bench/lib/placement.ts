import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { BadInput } from './args.ts';

/**
 * Where a figure's processes run (`npm run bench -- --placement P`), set with taskset:
 * - `shared`: the target and every generator on CPU 0. The max-rate figure's default: one core
 *   between them makes req/s = 1 / (generator's + server's CPU per request), so the rate is set by
 *   what the generator costs. Split over two vCPUs, a ping-pong at 1–2 connections is set by how
 *   fast the hypervisor wakes the other vCPU, the same for any generator: there, a lab made 10 µs
 *   a request dearer still scored level with autocannon (bench/README.md, "Placement").
 * - `split`: the target on the last CPU, every generator on CPU 0.
 * - `free`: where the scheduler puts them (no taskset); the other figures' default, where a
 *   generator and a server with latency of their own share the machine as in `npm run lab`.
 */
export const PLACEMENTS = ['shared', 'split', 'free'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const PLACEMENT_TEXT: Record<Placement, string> = {
  shared: 'target and generator sharing CPU 0',
  split: 'target on the last CPU, generator on CPU 0',
  free: 'target and generator where the scheduler puts them',
};

/** The CPU a process of `role` is pinned to under `placement` on `cpus` CPUs, or null: not pinned. */
export function cpuFor(placement: Placement, role: 'target' | 'generator', cpus: number): number | null {
  if (placement === 'free') return null;
  if (placement === 'shared' || role === 'generator') return 0;
  return cpus - 1;
}

/** Why `placement` cannot be set up here, or null. */
export function cannotPlace(placement: Placement, cpus = os.availableParallelism()): string | null {
  if (placement === 'free') return null;
  if (placement === 'split' && cpus < 2) return 'split needs at least 2 CPUs';
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return `${placement} needs taskset (apt-get install -y util-linux)`;
  }
  return null;
}

/** `--placement`'s value, checked, and possible here (taskset, enough CPUs): one line naming the flag if not. */
export function parsePlacement(text: string, cpus = os.availableParallelism()): Placement {
  if (!(PLACEMENTS as readonly string[]).includes(text)) throw new BadInput(`--placement: expected ${PLACEMENTS.join(', ')}, got "${text}"`);
  const why = cannotPlace(text as Placement, cpus);
  if (why) throw new BadInput(`--placement: ${why}`);
  return text as Placement;
}

/** A figure's default placement, or free (with why) where it cannot be set up. */
export function usablePlacement(wanted: Placement, cpus = os.availableParallelism()): { placement: Placement; note: string | null } {
  const why = cannotPlace(wanted, cpus);
  return why === null ? { placement: wanted, note: null } : { placement: 'free', note: `placement ${wanted} not possible (${why}): free instead` };
}

// Set by the bench script before each figure; every process a figure spawns reads it.
let current: Placement = 'free';

export function setPlacement(p: Placement): void {
  current = p;
}

/** Pin every thread of `pid` (taskset -a) to its role's CPU under the current placement (no pid: the spawn failed, and says so itself). */
export function pin(pid: number | undefined, role: 'target' | 'generator'): void {
  const cpu = cpuFor(current, role, os.availableParallelism());
  if (cpu === null || pid === undefined) return;
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
