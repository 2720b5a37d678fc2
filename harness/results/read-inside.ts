import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type InsideRead =
  | { text: string; missing: false; problem: null }
  | { text: null; missing: boolean; problem: string };

const refused = (problem: string, missing = false): InsideRead => ({ text: null, missing, problem });

/**
 * Read a run file as text, never following a link out of the run folder: the file's real path
 * (every link in it resolved) must lie inside the run folder's real path. A run folder is data
 * from anywhere; a `target.log` linked to a system file must not end up in a report.
 */
export async function readInside(root: string, file: string): Promise<InsideRead> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return refused((e as Error).message);
    // A dangling link is not a missing file: say what it is.
    const isLink = await lstat(file).then((s) => s.isSymbolicLink(), () => false);
    return isLink ? refused('it is a link to nothing') : refused('missing', true);
  }
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return refused('it is a link out of the run folder, so it was not read');
  try {
    if (!(await stat(real)).isFile()) return refused('it is not a regular file');
    return { text: await readFile(real, 'utf8'), missing: false, problem: null };
  } catch (e) {
    return refused((e as Error).message);
  }
}
