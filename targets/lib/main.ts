/**
 * Entry of a target process: `node --import tsx targets/lib/main.ts <absolute target file>`.
 * cluster.fork() re-runs this same argv, so workers land here too and the target's own
 * `start` decides by `cluster.isPrimary` what to do.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTargetDefinition } from './define.ts';
import { readContext } from './context.ts';

const CLOSE_GRACE_MS = 1000;
/** How often the process checks that whoever started it is still there. */
const PARENT_CHECK_MS = 500;

function die(err: unknown): never {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
}

process.on('uncaughtException', die);
process.on('unhandledRejection', die);

let handle: unknown;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const close = (handle as { close?: unknown } | undefined)?.close;
  if (typeof close === 'function') {
    const grace = new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref());
    // A close() that fails is logged (target.log), not swallowed: the process still exits.
    const closing = Promise.resolve().then(() => close.call(handle)).catch((err: unknown) => {
      console.error(`close() failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    });
    await Promise.race([closing, grace]);
  }
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Whoever started us (the lab's watchdog, a cluster primary) is gone: we were orphaned, so stop.
// The watchdog stops us anyway; this covers a watchdog killed together with the lab.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) void stop(); }, PARENT_CHECK_MS).unref();

const file = process.argv[2];
if (!file) die(new Error('usage: node --import tsx targets/lib/main.ts <target file>'));
const mod: { default?: unknown } = await import(pathToFileURL(resolve(file)).href);
if (!isTargetDefinition(mod.default)) {
  die(new Error(`${file}: the default export is not a target; export default defineTarget({...})`));
}
const { start } = mod.default;
if (!start) die(new Error(`${file}: a command target is started by its command, not by this entry`));
const ctx = readContext();
// start may return what it listens with; anything with close() is closed on SIGTERM/SIGINT.
handle = await start(ctx);
