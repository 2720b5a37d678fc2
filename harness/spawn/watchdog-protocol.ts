/** What the lab tells a watchdog (harness/spawn/watchdog.ts) when it starts it, as argv[2] JSON. */
export interface WatchdogConfig {
  /** The target's command line; argv[0] is looked up in PATH. */
  argv: string[];
  cwd?: string;
  /** The watchdog's own notes are appended here (the target's log). */
  logFile: string;
  /** Put in the target's environment as TOKEN_ENV: whatever the target starts inherits it. */
  token: string;
  /** SIGTERM → SIGKILL grace when the lab died without asking. */
  orphanGraceMs: number;
}

export const TOKEN_ENV = 'LOADLAB_TARGET_TOKEN';

export type WatchdogRequest = { type: 'stop'; graceMs: number };

export type WatchdogReport =
  | { type: 'spawned'; pid: number }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; at: number; error?: string }
  /** Sent once, just before the watchdog exits; `survivors` could not be stopped even by SIGKILL. */
  | { type: 'stopped'; survivors: { pid: number; command: string }[] };
