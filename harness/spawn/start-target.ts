import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from 'undici';
import type { WorkModel } from '../../targets/lib/define.ts';
import { contextEnv } from '../../targets/lib/context.ts';
import { wildcardListeners } from './bound-address.ts';
import { spawnWatched, type ExitInfo, type Survivor } from './watched.ts';
import { commandEnv, substitute, type CommandVars } from './command.ts';

const MAIN = fileURLToPath(new URL('../../targets/lib/main.ts', import.meta.url));
const POLL_EVERY_MS = 50;
const POLL_TRY_TIMEOUT_MS = 1000;
const STOP_GRACE_MS = 1500;
const LOG_TAIL_LINES = 5;


export type { ExitInfo, Survivor } from './watched.ts';

export interface StartedTarget {
  name: string;
  /** The target's own process (what saturation sampling reads), not its watchdog's. */
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** Resolves when the process exits (code or signal), never rejects. */
  exited: Promise<ExitInfo>;
  /**
   * Stop the target and every process it started (SIGTERM, SIGKILL after a grace); idempotent.
   * Resolves once all are gone, with any that could not be stopped even by SIGKILL.
   */
  stop(): Promise<Survivor[]>;
  /** Things worth telling the user, such as a target that listens on every interface. */
  warnings: string[];
}

/**
 * How to start a target. Either `file`, a `defineTarget` module run by targets/lib/main.ts, or
 * `command`, any program (a Python server, a binary) started as is: argv[0] is looked up in PATH,
 * it gets the same LOADLAB_* environment (see targets/lib/context.ts) and must serve GET /health
 * on 127.0.0.1:LOADLAB_PORT. Either way it runs under a watchdog that stops it, and everything
 * it starts, when the lab stops it or dies.
 */
export interface StartTargetOptions {
  /** Absolute path of the target's .ts file (started with targets/lib/main.ts). */
  file?: string;
  /**
   * Instead of `file`: the command line of a target in any language. `{port}`, `{host}`, `{size}`,
   * `{seed}`, `{work}` and `{python}` are substituted (command.ts); PORT and HOST are set too.
   */
  command?: readonly string[];
  /** What `{python}` stands for (harness/input/requires.ts found it). */
  python?: string | null;
  /** Path polled until it answers 2xx. @default '/health' */
  readyPath?: string;
  /** Working directory of a `command` target. @default the lab's */
  cwd?: string;
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

function logTail(logFile: string): string[] {
  try {
    // Stack frames crowd out the line that says what went wrong; the full log stays in target.log.
    return readFileSync(logFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !/^at /.test(l)).slice(-LOG_TAIL_LINES);
  } catch {
    return [];
  }
}

/** One readiness probe: 2xx is ready; anything else is remembered, to say what it answered instead. */
async function probeHealth(url: string, timeoutMs: number, abort?: AbortSignal): Promise<number | string> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await request(url, { reset: true, signal: abort ? AbortSignal.any([timeout, abort]) : timeout });
    await res.body.dump();
    return res.statusCode;
  } catch (err) {
    return (err as { code?: string }).code ?? 'no answer';
  }
}

const commandVars = (opts: StartTargetOptions, port: number): CommandVars =>
  ({ port, host: '127.0.0.1', size: opts.size, seed: opts.seed, work: opts.work, python: opts.python ?? null });

/** How a server says its port is taken: Node (EADDRINUSE), Python and most C servers (errno 98's text). */
const PORT_TAKEN = /EADDRINUSE|Address already in use/;

/** The log's last few KB: a runtime may print the error's name well before its last lines (Node's error object, Python's traceback). */
function logEnd(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-8192);
  } catch {
    return '';
  }
}

type Fail = (code: TargetStartErrorCode, cause: string, tail: string[], pid?: number) => TargetStartError;

/** The target's command line: its own `command` (placeholders filled in), or targets/lib/main.ts running its file. */
function targetArgv(opts: StartTargetOptions, port: number): string[] {
  if (opts.command && opts.command.length > 0) return substitute(opts.command, commandVars(opts, port));
  if (!opts.file) throw new TargetStartError('TARGET_EXITED', `target ${opts.name}: expected a file or a command to start`, []);
  return [process.execPath, '--import', 'tsx', MAIN, opts.file];
}

/** Start a target under its watchdog and wait for its `/health` to answer 200. */
export async function startTarget(opts: StartTargetOptions): Promise<StartedTarget> {
  const port = opts.port ?? (await freePort());
  const fail: Fail = (code, cause, tail, pid) =>
    new TargetStartError(code, `target ${opts.name} ${cause}${tail.length ? `; last log lines: ${tail.join(' | ')}` : ''}`, tail, pid);
  const argv = targetArgv(opts, port);
  if (!(await portIsFree(port))) throw fail('PORT_IN_USE', `cannot start: port ${port} on 127.0.0.1 is already in use`, []);
  const target = await launch(opts, argv, port, fail);
  const ready = await waitUntilReady(opts, target);
  if (ready === true) {
    target.warnings.push(...listensEverywhere(opts.name, port));
    return target;
  }
  throw await explainFailure(opts, target, ready, fail);
}

/** Spawn it under a watchdog, its output straight to the log file (no pipe through our event loop). */
async function launch(opts: StartTargetOptions, argv: string[], port: number, fail: Fail): Promise<StartedTarget> {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = openSync(opts.logFile, 'a');
  const watched = spawnWatched({
    argv,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, ...opts.env, ...contextEnv({ port, work: opts.work, seed: opts.seed, size: opts.size }), ...(opts.command ? commandEnv(commandVars(opts, port)) : {}) },
    logFd: fd,
    logFile: opts.logFile,
  });
  // The watchdog holds its own copy of the descriptor.
  closeSync(fd);
  let pid: number;
  try {
    pid = await watched.pid;
  } catch (err) {
    await watched.stop(0);
    throw fail('TARGET_EXITED', `could not be spawned (${err instanceof Error ? err.message : String(err)})`, logTail(opts.logFile));
  }
  opts.onSpawn?.(pid);
  return {
    name: opts.name, pid, port, url: `http://127.0.0.1:${port}`, logFile: opts.logFile, exited: watched.exited, warnings: [],
    stop: () => watched.stop(STOP_GRACE_MS),
  };
}

/** Poll /health until 200 (true), or say why not: it died, it was interrupted, or what it last answered. */
async function waitUntilReady(opts: StartTargetOptions, t: StartedTarget): Promise<true | { died: ExitInfo | undefined; interrupted: boolean; last: number | string }> {
  let died: ExitInfo | undefined;
  void t.exited.then((e) => { died = e; });
  const deadline = Date.now() + opts.readyTimeoutMs;
  const aborted = () => opts.signal?.aborted === true;
  let last: number | string = 'no answer';
  for (;;) {
    if (aborted()) break;
    last = await probeHealth(`${t.url}${opts.readyPath ?? '/health'}`, Math.max(POLL_EVERY_MS, Math.min(POLL_TRY_TIMEOUT_MS, deadline - Date.now())), opts.signal);
    if (typeof last === 'number' && last >= 200 && last < 300) return true;
    if (died || aborted() || Date.now() >= deadline) break;
    await Promise.race([delay(POLL_EVERY_MS), t.exited]);
    if (died) break;
  }
  // Read how it ended before stopping it: our own kill must not pass for a crash.
  return { died, interrupted: aborted(), last };
}

/** Stop what did not get ready, and build the one-line error that says why. */
async function explainFailure(opts: StartTargetOptions, t: StartedTarget, why: { died: ExitInfo | undefined; interrupted: boolean; last: number | string }, fail: Fail): Promise<TargetStartError> {
  await t.stop();
  if (why.interrupted) return fail('INTERRUPTED', 'was stopped while starting (interrupted)', [], t.pid);
  const tail = logTail(opts.logFile);
  if (PORT_TAKEN.test(logEnd(opts.logFile))) return fail('PORT_IN_USE', `could not listen: port ${t.port} is already in use`, tail, t.pid);
  if (why.died) {
    const how = why.died.signal ? `signal ${why.died.signal}` : `code ${why.died.code}`;
    return fail('TARGET_EXITED', `exited with ${how} before it was ready`, tail, t.pid);
  }
  const answered = typeof why.last === 'number' ? `answered HTTP ${why.last}` : `did not answer (${why.last})`;
  return fail('TARGET_NOT_READY', `did not answer GET ${opts.readyPath ?? '/health'} with 2xx within ${opts.readyTimeoutMs} ms: it last ${answered}`, tail, t.pid);
}

/** A target is asked to bind 127.0.0.1; one bound to every interface is reachable from the network. */
function listensEverywhere(name: string, port: number): string[] {
  const found = wildcardListeners(port);
  return found.length === 0 ? [] : [`target ${name} listens on ${found.join(' and ')} port ${port}: reachable from other machines, not only this one (bind 127.0.0.1)`];
}
