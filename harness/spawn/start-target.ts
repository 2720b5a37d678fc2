import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import pidtree from 'pidtree';
import { request } from 'undici';
import type { WorkModel } from '../../targets/lib/define.ts';
import { contextEnv } from '../../targets/lib/context.ts';

const MAIN = fileURLToPath(new URL('../../targets/lib/main.ts', import.meta.url));
const POLL_EVERY_MS = 50;
const POLL_TRY_TIMEOUT_MS = 1000;
const STOP_GRACE_MS = 1500;
const LOG_TAIL_LINES = 5;

export interface ExitInfo { code: number | null; signal: string | null; /** Date.now() */ at: number }

export interface StartedTarget {
  name: string;
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** Resolves when the process exits (code or signal), never rejects. */
  exited: Promise<ExitInfo>;
  /** SIGTERM the whole tree, SIGKILL after a grace; idempotent; resolves once the leader exited. */
  stop(): Promise<void>;
}

export interface StartTargetOptions {
  /** Absolute path of the target's .ts file. */
  file: string;
  name: string;
  work: WorkModel;
  seed: number;
  size: number;
  env?: Record<string, string>;
  readyTimeoutMs: number;
  /** stdout and stderr are appended here (folders created). */
  logFile: string;
  /** @default a free ephemeral port */
  port?: number;
  /** Told the PID as soon as it exists, so an emergency exit can kill a target still starting. */
  onSpawn?: (pid: number) => void;
  /** Aborting stops waiting for readiness: the target is stopped and start fails with INTERRUPTED. */
  signal?: AbortSignal;
}

export type TargetStartErrorCode = 'TARGET_EXITED' | 'TARGET_NOT_READY' | 'PORT_IN_USE' | 'INTERRUPTED';

/** The target could not be started; the message is one line and ends with its last log lines. */
export class TargetStartError extends Error {
  constructor(readonly code: TargetStartErrorCode, message: string, readonly logTail: string[], readonly pid?: number) {
    super(message);
    this.name = 'TargetStartError';
  }
}

/** A port nobody listens on right now (bind 127.0.0.1:0, read, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('freePort: no TCP address');
  return address.port;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Alive and not a zombie: a reaped-late child must not count as a server still running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* already gone */ }
}

/** SIGKILL the target's process group at once; safe in a process 'exit' handler. */
export function killTreeSync(pid: number): void {
  signal(-pid, 'SIGKILL');
}

/**
 * SIGTERM the group led by `pid` plus any descendant that left the group, SIGKILL whatever
 * is left after `graceMs`. Descendants are listed first: once the leader dies they are orphans
 * that no tree walk can find.
 */
export async function killTree(pid: number, graceMs = STOP_GRACE_MS): Promise<void> {
  const descendants = await pidtree(pid).catch(() => [] as number[]);
  const all = [pid, ...descendants];
  signal(-pid, 'SIGTERM');
  for (const d of descendants) signal(d, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (all.some(isAlive) && Date.now() < deadline) await delay(20);
  signal(-pid, 'SIGKILL');
  for (const p of all) if (isAlive(p)) signal(p, 'SIGKILL');
  while (all.some(isAlive) && Date.now() < deadline + graceMs) await delay(20);
}

function logTail(logFile: string): string[] {
  try {
    // Stack frames crowd out the line that says what went wrong; the full log stays in target.log.
    return readFileSync(logFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !/^at /.test(l)).slice(-LOG_TAIL_LINES);
  } catch {
    return [];
  }
}

async function isHealthy(url: string, timeoutMs: number, abort?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(`${url}/health`, { reset: true, signal: abort ? AbortSignal.any([timeout, abort]) : timeout });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** Start a target in its own process group and wait for its `/health` to answer 200. */
export async function startTarget(opts: StartTargetOptions): Promise<StartedTarget> {
  const port = opts.port ?? (await freePort());
  const fail = (code: TargetStartErrorCode, cause: string, tail: string[], pid?: number) =>
    new TargetStartError(code, `target ${opts.name} ${cause}${tail.length ? `; last log lines: ${tail.join(' | ')}` : ''}`, tail, pid);
  if (!(await portIsFree(port))) throw fail('PORT_IN_USE', `cannot start: port ${port} on 127.0.0.1 is already in use`, []);

  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  // The child writes its log straight to the file: no pipe through our event loop that could stall it.
  // execa hands any fd number to spawn as is; its types only admit 3–9.
  const fd = openSync(opts.logFile, 'a') as 3;
  const subprocess = execa(process.execPath, ['--import', 'tsx', MAIN, opts.file], {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: fd,
    stderr: fd,
    env: { ...opts.env, ...contextEnv({ port, work: opts.work, seed: opts.seed, size: opts.size }) },
  });
  let exitAt: number | undefined;
  subprocess.once('exit', () => { exitAt = Date.now(); });
  let exitInfo: ExitInfo | undefined;
  const exited: Promise<ExitInfo> = subprocess.then(
    (r) => (exitInfo = { code: r.exitCode ?? null, signal: r.signal ?? null, at: exitAt ?? Date.now() }),
    () => (exitInfo = { code: null, signal: null, at: exitAt ?? Date.now() }),
  );
  void exited.finally(() => closeSync(fd));
  const pid = subprocess.pid;
  if (pid === undefined) {
    await exited;
    throw fail('TARGET_EXITED', 'could not be spawned', logTail(opts.logFile));
  }
  opts.onSpawn?.(pid);

  let stopping: Promise<void> | undefined;
  const url = `http://127.0.0.1:${port}`;
  const target: StartedTarget = {
    name: opts.name, pid, port, url, logFile: opts.logFile, exited,
    stop: () => (stopping ??= killTree(pid).then(() => exited).then(() => undefined)),
  };

  const deadline = Date.now() + opts.readyTimeoutMs;
  const aborted = () => opts.signal?.aborted === true;
  for (;;) {
    if (aborted()) break;
    if (await isHealthy(url, Math.max(POLL_EVERY_MS, Math.min(POLL_TRY_TIMEOUT_MS, deadline - Date.now())), opts.signal)) return target;
    if (exitInfo || aborted() || Date.now() >= deadline) break;
    await Promise.race([delay(POLL_EVERY_MS), exited]);
    if (exitInfo) break;
  }
  if (aborted()) {
    await target.stop();
    throw fail('INTERRUPTED', 'was stopped while starting (interrupted)', [], pid);
  }
  // Read how it ended before stopping it: our own kill must not pass for a crash.
  const died = exitInfo;
  await target.stop();
  const tail = logTail(opts.logFile);
  if (tail.some((l) => l.includes('EADDRINUSE'))) throw fail('PORT_IN_USE', `could not listen: port ${port} is already in use`, tail, pid);
  if (died) {
    const how = died.signal ? `signal ${died.signal}` : `code ${died.code}`;
    throw fail('TARGET_EXITED', `exited with ${how} before it was ready`, tail, pid);
  }
  throw fail('TARGET_NOT_READY', `did not answer GET /health within ${opts.readyTimeoutMs} ms`, tail, pid);
}
