import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
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
