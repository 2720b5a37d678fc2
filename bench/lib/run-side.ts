import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { pin } from './placement.ts';
import type { SideResult, SideSpec } from './side-types.ts';

const ENTRY = fileURLToPath(new URL('../side.ts', import.meta.url));
/** Beyond warm-up + run: process start-up, connection set-up, in-flight requests at the end. */
const SLACK_S = 60;

const nodeArgs = (spec: SideSpec, ...rest: string[]) => ['--import', 'tsx', ENTRY, JSON.stringify(spec), ...rest];

/** Run one generator in a fresh child process; its CPU time is measured inside it. `nodeFlags`: e.g. `--cpu-prof`. */
export async function runSide(spec: SideSpec, nodeFlags: readonly string[] = []): Promise<SideResult> {
  const child = execa(process.execPath, [...nodeFlags, ...nodeArgs(spec)], {
    stdin: 'ignore', stderr: 'inherit', reject: false,
    timeout: (spec.warmupSeconds + spec.seconds + SLACK_S) * 1000,
  });
  pin(child.pid, 'generator');
  const r = await child;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.exitCode !== 0 || !last.startsWith('{')) {
    throw new Error(`bench side ${spec.kind} failed (${r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`}): ${last.slice(0, 200)}`);
  }
  const { histogram: _, ...result } = JSON.parse(last) as SideResult;
  return result;
}

/** A warmed-up generator in its own process, waiting to run measured slices on demand. */
export interface SideServer {
  /** `rate`: an open side's arrival rate for this slice (default: its spec's). */
  run(seconds: number, rate?: number): Promise<SideResult>;
  stop(): Promise<void>;
}

/**
 * Start a generator that runs slice by slice when told (IPC). Several of them, run in turns,
 * meet the same background load on a shared machine, where back-to-back runs of seconds
 * each can differ by 2× in req/s. `maxSeconds` bounds the process's whole life.
 */
export async function startSide(spec: SideSpec, maxSeconds: number): Promise<SideServer> {
  const child = execa(process.execPath, nodeArgs(spec, '--serve'), {
    stdin: 'ignore', stdout: 'ignore', stderr: 'inherit', reject: false, ipc: true,
    timeout: (spec.warmupSeconds + maxSeconds + SLACK_S) * 1000,
  });
  pin(child.pid, 'generator');
  const ask = async (msg: { seconds: number; rate?: number } | null): Promise<unknown> => {
    await child.sendMessage(msg);
    return msg === null ? null : child.getOneMessage();
  };
  const ready = await child.getOneMessage().catch(() => null);
  if (ready !== 'ready') {
    child.kill('SIGKILL');
    const r = await child;
    throw new Error(`bench side ${spec.kind} did not start (${r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`})`);
  }
  return {
    run: async (seconds, rate) => JSON.parse(String(await ask(rate === undefined ? { seconds } : { seconds, rate }))) as SideResult,
    stop: async () => {
      await ask(null).catch(() => {});
      await child;
    },
  };
}
