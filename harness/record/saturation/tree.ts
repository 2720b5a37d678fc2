import pidusage from 'pidusage';
import type { CpuReading } from './compute.ts';
import { descendantsOf } from '../../spawn/proc.ts';

export interface TreeReading {
  /** Every pid found: the leader first, then its descendants. */
  pids: number[];
  /** CPU readings of the pids that could be read (one may exit between listing and reading). */
  cpu: Map<number, CpuReading>;
  /** RSS summed over the pids read, bytes. */
  rssBytes: number;
}

/** Read a process and all its descendants (cluster workers, pool children) once. Rejects if the leader is gone. */
export async function readTree(leader: number): Promise<TreeReading> {
  // Read from /proc, not by spawning `ps` (pidtree): a lab out of file descriptors cannot spawn,
  // and a spawn error with no listener would crash it (issue 14, EMFILE mid-run).
  const pids = [leader, ...descendantsOf(leader).map((p) => p.pid)];
  const stats = await pidusage(pids);
  if (!stats[leader]) throw new Error(`process ${leader} could not be read`);
  const cpu = new Map<number, CpuReading>();
  let rssBytes = 0;
  for (const pid of pids) {
    const s = stats[pid];
    if (!s) continue;
    cpu.set(pid, { cpuMs: s.ctime, atMs: s.timestamp });
    rssBytes += s.memory;
  }
  return { pids, cpu, rssBytes };
}
