import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface SeenProcess {
  pid: number;
  ppid: number;
  cmd: string;
  /** Started by the lab as a target: its environment carries the target context (LOADLAB_PORT). */
  target: boolean;
}

function parentOf(pid: number): number | null {
  try {
    // Field 4 of /proc/PID/stat, after the command name in parentheses (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function isTargetEnv(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((kv) => kv.startsWith('LOADLAB_PORT='));
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** The processes under `root` right now (not `root` itself), from /proc. */
export function treeNow(root: number): SeenProcess[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid !== null) children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: SeenProcess[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const pid of children.get(parent) ?? []) {
      out.push({ pid, ppid: parent, cmd: commandOf(pid), target: isTargetEnv(pid) });
      queue.push(pid);
    }
  }
  return out;
}

/**
 * Samples the process tree under `root` every `everyMs` until stopped and remembers every process
 * seen with its parent at first sight and its latest command line, so a process can be checked by
 * PID even after its parent died and it was re-parented.
 */
export function watchTree(root: number, everyMs = 100): { stop(): Promise<SeenProcess[]> } {
  const seen = new Map<number, SeenProcess>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const p of treeNow(root)) {
        // An empty command line is a zombie or a process already gone: nothing to check yet. A
        // command line that changed is a fork that has since exec'd: keep the parent seen first,
        // but the program it became (a clean-clone run once saw a target as '' and failed).
        if (p.cmd === '') continue;
        const first = seen.get(p.pid);
        seen.set(p.pid, first ? { ...p, ppid: first.ppid } : p);
      }
      await delay(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()];
    },
  };
}

/**
 * Everything under the lab that belongs to a target: each child of the lab started for a target (by
 * its environment, so a target in any language counts, and the lab's own helpers such as `ps` do
 * not) and everything under it (the target's watchdog, the target, its workers, grandchildren).
 */
export function targetTrees(seen: readonly SeenProcess[], labPid: number): SeenProcess[] {
  const inTree = new Set(seen.filter((p) => p.ppid === labPid && p.target).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of seen) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return seen.filter((p) => inTree.has(p.pid));
}

/** Processes in a target's tree that are the lab's machinery, not the server: its watchdog, and esbuild (started by tsx). */
export const isLabHelper = (p: SeenProcess): boolean => /\/harness\/spawn\/watchdog\.ts\b/.test(p.cmd) || /(^|\/)esbuild(\s|$)/.test(p.cmd.split(' ')[0] ?? '');

/** The target processes proper: the servers and their workers, without the lab's helpers. */
export const targetProcesses = (seen: readonly SeenProcess[], labPid: number): SeenProcess[] => targetTrees(seen, labPid).filter((p) => !isLabHelper(p));
