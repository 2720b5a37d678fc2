import path from 'node:path';
import type { TargetDefinition } from '../../targets/lib/define.ts';

/** What `{…}` in a command target's argv stands for. */
export interface CommandVars {
  port: number;
  host: string;
  size: number;
  seed: number;
  work: string;
  /** The interpreter found to import the target's Python modules; null when none was looked for. */
  python: string | null;
}

const PLACEHOLDER = /\{(port|host|size|seed|work|python)\}/g;

/** `['-b', '{host}:{port}']` → `['-b', '127.0.0.1:8123']`; other braces are left alone. */
export function substitute(argv: readonly string[], vars: CommandVars): string[] {
  return argv.map((arg) => arg.replace(PLACEHOLDER, (_, key: keyof CommandVars) => {
    const v = vars[key];
    if (v === null) throw new Error(`{${key}} is used but no Python interpreter was resolved`);
    return String(v);
  }));
}

/** Whether the argv names `{python}`: the lab then looks for an interpreter even without Python requirements. */
export const usesPython = (argv: readonly string[]): boolean => argv.some((a) => a.includes('{python}'));

/** The environment a command target gets on top of the lab's own and its definition's `env`. */
export function commandEnv(vars: CommandVars): Record<string, string> {
  return {
    LOADLAB_PORT: String(vars.port), PORT: String(vars.port), HOST: vars.host,
    LOADLAB_WORK: vars.work, LOADLAB_SEED: String(vars.seed), LOADLAB_SIZE: String(vars.size),
  };
}

/** `node` for a start function; else the declared runtime, or what argv[0] names (`{python}` → python). */
export function runtimeOf(def: TargetDefinition): string {
  if (!def.command) return 'node';
  if (def.runtime) return def.runtime;
  const first = def.command[0] ?? '';
  return first === '{python}' ? 'python' : path.basename(first);
}
