import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { Requirement, TargetDefinition } from '../../targets/lib/define.ts';
import { usesPython } from '../spawn/command.ts';

/** How long one `python -c "import …"` may take before the interpreter counts as unusable. */
const IMPORT_CHECK_TIMEOUT_MS = 15_000;

export interface RequirementsCheck {
  /** Requirements not met, in the order declared. */
  missing: Requirement[];
  /** An interpreter that imports every Python module required; null when none does or none was needed. */
  python: string | null;
}

/** Absolute path of an executable `name` on PATH (or `name` itself if it is a path), or null. */
export async function findProgram(name: string, envPath = process.env.PATH ?? ''): Promise<string | null> {
  const tries = name.includes('/') ? [path.resolve(name)] : envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, name));
  for (const file of tries) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return null;
}

/**
 * Where to look for Python, in order: $LOADLAB_PYTHON, Debian's /usr/bin/python3 (where apt
 * installs python3-flask & co.), then python3 on PATH (often a pyenv or venv without them).
 */
export async function pythonCandidates(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const found = await Promise.all([env.LOADLAB_PYTHON, '/usr/bin/python3', 'python3'].map((c) => (c ? findProgram(c, env.PATH) : null)));
  return [...new Set(found.filter((c): c is string => c !== null))];
}

const imports = new Map<string, Promise<boolean>>();
/** Whether `python` imports every module (memoised per interpreter and module list). */
export function importsAll(python: string, modules: readonly string[]): Promise<boolean> {
  const key = `${python}\0${modules.join(',')}`;
  let p = imports.get(key);
  if (!p) {
    p = execa(python, ['-c', modules.length ? `import ${modules.join(', ')}` : 'pass'], { reject: false, timeout: IMPORT_CHECK_TIMEOUT_MS, stdin: 'ignore' })
      .then((r) => r.exitCode === 0, () => false);
    imports.set(key, p);
  }
  return p;
}

/** Check a command target's requirements before it is started; `wantPython` also when none is a module. */
export async function checkRequirements(reqs: readonly Requirement[], wantPython: boolean, candidates?: string[]): Promise<RequirementsCheck> {
  const missing: Requirement[] = [];
  for (const r of reqs) if (r.program !== undefined && (await findProgram(r.program)) === null) missing.push(r);
  const modules = reqs.flatMap((r) => (r.python === undefined ? [] : [r.python]));
  if (modules.length === 0 && !wantPython) return { missing, python: null };
  const pythons = candidates ?? (await pythonCandidates());
  for (const py of pythons) {
    if (await importsAll(py, modules)) return { missing, python: py };
  }
  // None imports them all: name each module the preferred interpreter lacks.
  const first = pythons[0];
  for (const r of reqs) {
    if (r.python === undefined) continue;
    if (first === undefined || !(await importsAll(first, [r.python]))) missing.push(r);
  }
  if (missing.length === 0) missing.push({ program: 'python3', install: 'apt-get install -y python3' });
  return { missing, python: null };
}

/** One line: `needs python module flask (apt-get install -y python3-flask)`. */
export function missingText(missing: readonly Requirement[]): string {
  const what = (r: Requirement) => (r.python !== undefined ? `python module ${r.python}` : `program ${r.program}`);
  return `needs ${missing.map((r) => `${what(r)} (${r.install})`).join(', ')}`;
}

/** The install lines of what is missing, each once: `apt-get install -y python3-flask gunicorn` when all are apt-get. */
export function installLine(missing: readonly Requirement[]): string {
  const lines = [...new Set(missing.map((r) => r.install))];
  const apt = /^apt-get install -y (.+)$/;
  if (lines.length > 1 && lines.every((l) => apt.test(l))) return `apt-get install -y ${lines.map((l) => apt.exec(l)![1]).join(' ')}`;
  return lines.join(' && ');
}

/** How the lab starts a discovered target: the Node entry, a command, or not at all (skipped). */
export type Launch =
  | { skipped: null; command?: string[]; cwd?: string; python?: string | null; readyPath?: string }
  | { skipped: string };

/** For a command target: its requirements checked, its folder resolved; a Node target needs nothing. */
export async function prepareLaunch(def: TargetDefinition, file: string): Promise<Launch> {
  if (!def.command) return { skipped: null };
  const need = await checkRequirements(def.requires ?? [], usesPython(def.command));
  if (need.missing.length) return { skipped: `${missingText(need.missing)}; install with: ${installLine(need.missing)}` };
  return {
    skipped: null,
    command: def.command,
    cwd: path.resolve(path.dirname(file), def.cwd ?? '.'),
    python: need.python,
    readyPath: def.ready ?? '/health',
  };
}
