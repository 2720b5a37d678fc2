import { killTreeSync } from '../spawn/start-target.ts';

/** After the first Ctrl-C, the longest the lab may take to save and leave. */
const STOP_DEADLINE_MS = 20_000;

export interface Cleanup {
  /** Aborted by the first SIGINT/SIGTERM: stop the load, stop the targets, keep what was measured. */
  signal: AbortSignal;
  /** Processes to kill synchronously if the lab has to leave at once. */
  spawned(pid: number): void;
  stopped(pid: number): void;
  /** What the first Ctrl-C does, asked for otherwise (the live page's Stop button); `why` names who asked. */
  interrupt(why: string): void;
}

/**
 * Signals and crashes. First Ctrl-C: abort, so the run stops its targets and saves what it has.
 * Second Ctrl-C, the stop deadline, any exit and any harness crash: kill every live target now.
 */
export function installCleanup(): Cleanup {
  const abort = new AbortController();
  const live = new Set<number>();
  const killAll = () => {
    for (const pid of live) killTreeSync(pid);
  };
  const interrupt = (why: string, again: string) => {
    process.stderr.write(`\n${why}: stopping — targets are being stopped and results so far saved (${again})\n`);
    abort.abort();
    // Saving is bounded too: a stuck write or report must not keep the lab (or a target) alive.
    setTimeout(() => {
      process.stderr.write(`loadlab: still stopping after ${STOP_DEADLINE_MS / 1000} s; quitting\n`);
      killAll();
      process.exit(130);
    }, STOP_DEADLINE_MS).unref();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) {
      killAll();
      process.exit(130);
    }
    interrupt(sig, 'again to quit now');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
  // A harness bug gets the same cleanup: no server outlives the lab, and the exit code says it failed.
  const crash = (err: unknown) => {
    killAll();
    console.error(`loadlab: internal error; targets killed, run left incomplete: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  return {
    signal: abort.signal, spawned: (pid) => live.add(pid), stopped: (pid) => live.delete(pid),
    interrupt: (why) => { if (!abort.signal.aborted) interrupt(why, 'Ctrl-C to quit now'); },
  };
}
