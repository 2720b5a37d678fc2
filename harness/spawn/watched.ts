import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WatchdogConfig, WatchdogReport } from './watchdog-protocol.ts';

const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));
/** SIGTERM → SIGKILL grace the watchdog gives a target whose lab died. */
const ORPHAN_GRACE_MS = 1000;
/** A watchdog that does not report back within this long after a stop is killed itself. */
const STOP_REPORT_SLACK_MS = 5000;

export interface ExitInfo { code: number | null; signal: string | null; /** Date.now() */ at: number }

/** A process the lab could not stop, even with SIGKILL. */
export interface Survivor { pid: number; command: string }

export interface WatchedProcess {
  /** The target's PID, once started; rejects if it could not be started at all. */
  pid: Promise<number>;
  /** The watchdog's PID. */
  watchdogPid: number;
  /** Resolves when the target's own process exits (code or signal), never rejects. */
  exited: Promise<ExitInfo>;
  /** Stop the target and everything it started; resolves with what could not be stopped. Idempotent. */
  stop(graceMs: number): Promise<Survivor[]>;
}

export interface SpawnWatchedOptions {
  argv: string[];
  cwd?: string;
  env: Record<string, string | undefined>;
  /** The target's stdout and stderr, and the watchdog's notes, go to this already-open file descriptor / path. */
  logFd: number;
  logFile: string;
}

/**
 * Start `argv` under a watchdog process (watchdog.ts). The lab holds the watchdog's IPC channel:
 * when the lab dies, however, the channel closes and the watchdog stops the target and all its
 * descendants, with no help from the target itself.
 */
export function spawnWatched(o: SpawnWatchedOptions): WatchedProcess {
  const config: WatchdogConfig = { argv: o.argv, logFile: o.logFile, token: randomBytes(12).toString('hex'), orphanGraceMs: ORPHAN_GRACE_MS, ...(o.cwd ? { cwd: o.cwd } : {}) };
  const dog = fork(WATCHDOG, [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    // Its own session: a kill of the lab's process group leaves it alive to clean up.
    detached: true,
    env: o.env,
    stdio: ['ignore', o.logFd, o.logFd, 'ipc'],
    serialization: 'json',
  });
  // The lab must be free to exit (the watchdog notices and cleans up): the channel holds the
  // event loop open only while an answer is awaited (the PID, the stop report).
  dog.unref();
  const hold = (on: boolean) => { if (on) dog.channel?.ref(); else dog.channel?.unref(); };

  let exitInfo: ExitInfo | undefined;
  let resolveExit!: (e: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => { resolveExit = (e) => { exitInfo ??= e; r(exitInfo); }; });
  let resolvePid!: (pid: number) => void;
  let rejectPid!: (err: Error) => void;
  const pid = new Promise<number>((res, rej) => { resolvePid = res; rejectPid = rej; });
  pid.then(() => hold(false), () => hold(false));
  let resolveStopped!: (s: Survivor[]) => void;
  const stopped = new Promise<Survivor[]>((r) => { resolveStopped = r; });

  dog.on('message', (m: WatchdogReport) => {
    if (m.type === 'spawned') resolvePid(m.pid);
    else if (m.type === 'exit') {
      if (m.error) rejectPid(new Error(m.error));
      resolveExit({ code: m.code, signal: m.signal, at: m.at });
    } else resolveStopped(m.survivors);
  });
  dog.once('exit', () => {
    rejectPid(new Error('the watchdog exited before it started the target'));
    resolveExit({ code: null, signal: null, at: Date.now() });
    resolveStopped([]);
  });
  dog.once('error', () => {});

  let stopping: Promise<Survivor[]> | undefined;
  return {
    pid,
    watchdogPid: dog.pid ?? -1,
    exited,
    stop: (graceMs) => (stopping ??= (async () => {
      if (dog.exitCode === null && dog.signalCode === null && dog.connected) {
        hold(true);
        dog.send({ type: 'stop', graceMs });
      }
      const slack = setTimeout(() => { try { dog.kill('SIGKILL'); } catch { /* gone */ } }, graceMs + STOP_REPORT_SLACK_MS);
      const survivors = await stopped;
      clearTimeout(slack);
      await exited;
      return survivors;
    })()),
  };
}
