import { LabError } from '../errors.ts';
import { assertLoopbackUrl } from '../input/loopback.ts';
import type { ExitInfo, Survivor } from './watched.ts';

/** A server the lab did not start (`--url`): driven and measured, never started, stopped or sampled. */
export interface ExternalTarget {
  /** Origin only (`http://127.0.0.1:8080`): request paths come from the profile's tasks. */
  url: string;
  /** `host:port`, which names its results folder. */
  name: string;
}

/** What a drive needs from a running target; `pid` is null when the lab did not start it. */
export interface AttachedTarget {
  url: string;
  pid: number | null;
  exited: Promise<ExitInfo>;
  /** Resolves once stopped, with any process that could not be stopped. */
  stop(): Promise<Survivor[]>;
  /** Things worth telling the user (a target that listens on every interface). */
  warnings: string[];
}

/** `--url`: loopback unless `allowRemote`, and an origin, since a path would be silently ignored. */
export function externalTarget(url: string, allowRemote: boolean): ExternalTarget {
  const u = assertLoopbackUrl(url, allowRemote);
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password) {
    throw new LabError('BAD_INPUT', `--url: expected an origin like http://127.0.0.1:8080 (paths come from the profile's tasks), got ${url}`);
  }
  return { url: u.origin, name: u.host };
}

export function isExternal(t: object): t is ExternalTarget {
  return typeof (t as { url?: unknown }).url === 'string' && !('definition' in t);
}

/** Nothing to start and nothing to stop; a server that goes away shows up as refused requests. */
export function attachExternal(t: ExternalTarget): AttachedTarget {
  return { url: t.url, pid: null, exited: new Promise<ExitInfo>(() => {}), stop: async () => [], warnings: [] };
}
