/**
 * Entry of the process between the lab and a target: `node --import tsx watchdog.ts <config JSON>`.
 * It needs nothing from the target: it starts the target's argv in a session of its own, samples
 * the target's descendants while it runs, and on `stop`, SIGTERM, or the loss of its IPC channel
 * (the lab died, even by SIGKILL) it stops every process it saw, plus any that carries the run's
 * token in its environment (a double-forked `setsid` grandchild), then exits. Its log lines go to
 * the target's log file; what it could not stop is sent back to the lab.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { descendantsOf, processesWithEnv, readProc, stillSame, type ProcInfo } from './proc.ts';
import { TOKEN_ENV, type WatchdogConfig, type WatchdogReport, type WatchdogRequest } from './watchdog-protocol.ts';

const SAMPLE_MS = 200;
const POLL_MS = 20;
/** After SIGKILL, how long processes get to disappear before they are reported as not stopped. */
const KILL_WAIT_MS = 1000;

const config = JSON.parse(process.argv[2] ?? '{}') as WatchdogConfig;
const seen = new Map<number, ProcInfo>();
const send = (m: WatchdogReport) => { if (process.connected) process.send!(m); };
const note = (line: string) => {
  try { appendFileSync(config.logFile, `loadlab watchdog: ${line}\n`); } catch { /* the log is best effort */ }
};

const [command, ...args] = config.argv;
const child = spawn(command!, args, {
  detached: true,
  cwd: config.cwd,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, [TOKEN_ENV]: config.token },
});
const leader = child.pid;
child.once('error', (err) => {
  note(`could not start ${command}: ${err.message}`);
  send({ type: 'exit', code: null, signal: null, at: Date.now(), error: err.message });
  void finish(0);
});
const leaderExited = new Promise<void>((resolve) => {
  child.once('exit', (code, signal) => {
    send({ type: 'exit', code, signal, at: Date.now() });
    resolve();
  });
  child.once('error', () => resolve());
});
if (leader !== undefined) {
  const info = readProc(leader);
  if (info) seen.set(leader, info);
  send({ type: 'spawned', pid: leader });
}

/** Remember every descendant the target has now: once its parent dies, no tree walk finds it. */
function sample(): void {
  if (leader === undefined) return;
  for (const p of descendantsOf(leader)) if (!seen.has(p.pid)) seen.set(p.pid, p);
}
const sampler = setInterval(sample, SAMPLE_MS);

/** Everything still alive that belongs to the target: what was sampled, plus whatever carries the token. */
function suspects(): ProcInfo[] {
  sample();
  for (const p of processesWithEnv(TOKEN_ENV, config.token, new Set([process.pid]))) if (!seen.has(p.pid)) seen.set(p.pid, p);
  return [...seen.values()].filter(stillSame);
}

function signalAll(list: ProcInfo[], sig: NodeJS.Signals): void {
  if (leader !== undefined) {
    try { process.kill(-leader, sig); } catch { /* the group is gone */ }
  }
  // Checked just before each kill: a PID that now names another process is left alone.
  for (const p of list) if (stillSame(p)) {
    try { process.kill(p.pid, sig); } catch { /* gone */ }
  }
}

async function waitGone(withinMs: number): Promise<ProcInfo[]> {
  const deadline = Date.now() + withinMs;
  let alive = suspects();
  while (alive.length > 0 && Date.now() < deadline) {
    await delay(POLL_MS);
    alive = suspects();
  }
  return alive;
}

let finishing: Promise<void> | undefined;
/** SIGTERM all, SIGKILL what is left after the grace, report what survived even that, exit. */
function finish(graceMs: number): Promise<void> {
  finishing ??= (async () => {
    clearInterval(sampler);
    let alive = suspects();
    if (alive.length > 0 && graceMs > 0) {
      signalAll(alive, 'SIGTERM');
      alive = await waitGone(graceMs);
    }
    if (alive.length > 0) {
      signalAll(alive, 'SIGKILL');
      alive = await waitGone(KILL_WAIT_MS);
    }
    // Its exit report goes first: the lab reads from it how the target ended.
    await Promise.race([leaderExited, delay(KILL_WAIT_MS)]);
    const survivors = alive.map((p) => ({ pid: p.pid, command: p.command }));
    if (survivors.length > 0) note(`could not stop ${survivors.map((s) => `${s.pid} (${s.command})`).join(', ')}`);
    // Exit only once the report is handed over (or there is nobody to hand it to).
    if (process.connected) process.send!({ type: 'stopped', survivors } satisfies WatchdogReport, () => process.exit(0));
    else process.exit(0);
  })();
  return finishing;
}

process.on('message', (m: WatchdogRequest) => { if (m.type === 'stop') void finish(m.graceMs); });
// The lab is gone (crashed, SIGKILLed): nobody will ask politely, so stop everything now.
process.on('disconnect', () => {
  note('the lab went away; stopping the target');
  void finish(config.orphanGraceMs);
});
process.on('SIGTERM', () => void finish(config.orphanGraceMs));
// The lab may have died while this file was still loading, before 'disconnect' had a listener.
if (!process.connected) {
  note('the lab was gone before the watchdog was up; stopping the target');
  void finish(config.orphanGraceMs);
}
// A terminal's Ctrl-C is the lab's to handle: it stops targets in order and saves results.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
