import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** PATH (then `extraDirs`) lookup without spawning: a missing program is a skipped column, not a failure. */
export function findProgram(name: string, extraDirs: string[] = []): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs]) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return null;
}
