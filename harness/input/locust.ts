import { execa } from 'execa';
import { LabError } from '../errors.ts';
import { importsAll, pythonCandidates } from './requires.ts';

export const LOCUST_INSTALL = 'apt-get install -y python3-locust';

export interface LocustFound {
  /** An interpreter that imports locust. */
  python: string;
  /** The package's version (Debian's python3-locust reports none itself), or null. */
  version: string | null;
}

/** Find Locust before any folder is made; missing, it is one line with the install command (exit 2). */
export async function findLocust(candidates?: readonly string[]): Promise<LocustFound> {
  for (const python of candidates ?? (await pythonCandidates())) {
    if (await importsAll(python, ['locust'])) return { python, version: await locustVersion() };
  }
  throw new LabError('BAD_INPUT', `--driver locust: Locust is not installed for any Python found ($LOADLAB_PYTHON, /usr/bin/python3, python3); install it with: ${LOCUST_INSTALL}`);
}

async function locustVersion(): Promise<string | null> {
  const r = await execa('dpkg-query', ['-W', '-f=${Version}', 'python3-locust'], { reject: false, timeout: 5000, stdin: 'ignore' }).catch(() => null);
  return r && r.exitCode === 0 && typeof r.stdout === 'string' && r.stdout.trim() ? r.stdout.trim() : null;
}
