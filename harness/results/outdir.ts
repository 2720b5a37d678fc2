import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.ts';

/**
 * Create `dir` one level at a time and prove a file can be written there, before any load is
 * sent. Node's `mkdir({ recursive: true })` spins forever under /proc, and root ignores modes,
 * so the only honest check is to try.
 */
export async function ensureWritableDir(dir: string, label: string): Promise<void> {
  const fail = (why: string) => new LabError('BAD_INPUT', `${label}: cannot write results to ${dir}: ${why}`);
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    const s = await stat(at).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ENOTDIR' ? null : err));
    if (s instanceof Error) throw fail(`${at}: ${s.code ?? s.message}`);
    if (s) {
      if (!s.isDirectory()) throw fail(`${at} is a file, not a folder`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw fail(`cannot create ${d} (${code ?? String(err)})`);
    }
  }
  const probe = path.join(dir, `.loadlab-write-test-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    throw fail(`not writable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  await rm(probe, { force: true });
}

/** Held inside a run folder while a lab writes it; a second lab on the same folder is refused. */
export const LOCK_FILE = '.loadlab.lock';
const PROBE = /^\.loadlab-write-test-\d+$/;
/** How many `-2`, `-3`… a default folder name may try when labs started in the same second collide. */
const MAX_SUFFIX = 50;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Make `dir` this lab's, atomically, before anything else is written: create its lock file
 * exclusively (O_EXCL), so of two labs started together exactly one gets it. Then, without
 * `force`, the folder must hold nothing else; with `force`, it must hold an earlier run
 * (a manifest.json), whose files are all removed so none can mix into the new run. The lock
 * goes when this process exits; one left by a lab that was killed is taken over with `force`.
 */
export async function claimRunDir(dir: string, o: { force: boolean; label: string; shown: string }): Promise<void> {
  const lock = path.join(dir, LOCK_FILE);
  const refuse = (why: string) => new LabError('BAD_INPUT', `${o.label}: ${o.shown} ${why}`);
  if (!(await takeLock(lock))) {
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) throw refuse(`is being written by another lab (pid ${holder})`);
    if (!o.force) throw refuse(`is not empty (pass --force to overwrite it)`);
    // A lab that died left its lock: take it over, still exclusively.
    await rm(lock, { force: true });
    if (!(await takeLock(lock))) throw refuse('is being written by another lab');
  }
  process.once('exit', () => rmSync(lock, { force: true }));
  try {
    const entries = (await readdir(dir)).filter((e) => e !== LOCK_FILE && !PROBE.test(e));
    if (entries.length === 0) return;
    if (!o.force) throw refuse('is not empty (pass --force to overwrite it)');
    if (!entries.includes('manifest.json')) throw refuse('is not empty and holds no earlier run (no manifest.json): --force only replaces a run folder');
    for (const e of entries) await rm(path.join(dir, e), { recursive: true, force: true });
  } catch (err) {
    rmSync(lock, { force: true });
    throw err;
  }
}

async function takeLock(lock: string): Promise<boolean> {
  try {
    await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** A fresh default run folder: `base`, or `base-2`, `base-3`… if a lab started the same second took it. */
export async function claimNewDir(base: string): Promise<string> {
  await ensureWritableDir(path.dirname(base), 'results folder');
  for (let i = 1; i <= MAX_SUFFIX; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new LabError('BAD_INPUT', `results folder: cannot create ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    await claimRunDir(dir, { force: false, label: 'results folder', shown: dir });
    return dir;
  }
  throw new LabError('BAD_INPUT', `results folder: ${base} and ${MAX_SUFFIX - 1} numbered variants are all taken`);
}
