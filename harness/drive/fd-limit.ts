import { readFileSync } from 'node:fs';
import type { Profile } from '../../profiles/lib/define.ts';
import { LabError } from '../errors.ts';

/** Descriptors the lab needs beside its connections: node itself, logs, results, watchdog pipes. */
export const LAB_OWN_FDS = 100;
/** The warm-up's connections, open while the profile's first users connect. */
const WARMUP_CONNECTIONS = 2;

export interface OpenFileLimit { soft: number; hard: number }

/** This process's open-file limit from /proc/self/limits ("unlimited" = Infinity); null where unreadable. */
export function openFileLimit(text?: string): OpenFileLimit | null {
  let limits = text;
  if (limits === undefined) {
    try { limits = readFileSync('/proc/self/limits', 'utf8'); } catch { return null; }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  if (!m) return null;
  const n = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: n(m[1]!), hard: n(m[2]!) };
}

/** Connections a profile opens at its peak: closed, one per user; open, up to maxInFlight. */
export function connectionsNeeded(profile: Profile): number {
  if (profile.model === 'open') return profile.maxInFlight + WARMUP_CONNECTIONS;
  return Math.max(0, ...profile.stages.map((s) => s.users)) + WARMUP_CONNECTIONS;
}

/**
 * Refuse, before anything starts, a profile whose connections cannot all be open at once under
 * `ulimit -n`: past it every new connection fails with EMFILE. One line, saying how to raise it.
 */
export function checkOpenFileLimit(profile: Profile, limit: OpenFileLimit | null = openFileLimit()): void {
  if (!limit) return;
  const need = connectionsNeeded(profile) + LAB_OWN_FDS;
  if (need <= limit.soft) return;
  const what = profile.model === 'open' ? `maxInFlight ${profile.maxInFlight}` : `${need - LAB_OWN_FDS - WARMUP_CONNECTIONS} users`;
  const lower = profile.model === 'open' ? 'maxInFlight' : 'users';
  // Node raises its soft limit to the hard one at start-up, so the hard limit is what counts.
  throw new LabError('BAD_INPUT', `profile ${profile.name}: ${what} need about ${need} open files (a connection each, plus ${LAB_OWN_FDS} for the lab), but the open-file limit (ulimit -n) is ${limit.soft}; raise it first (ulimit -n ${need} in the shell that starts the lab, as root, or limits.conf / docker --ulimit nofile=${need}), or lower the ${lower}`);
}
