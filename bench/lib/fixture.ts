import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pidusage from 'pidusage';
import { pin } from './placement.ts';

export type FixtureName = 'trivial' | 'delay' | 'stall';

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 2000;

/** Every fixture still running, so an emergency exit can kill them synchronously. */
const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

export interface Fixture {
  origin: string;
  pid: number;
  /** CPU time (ms) the server has used so far: the difference over a run shows if it was the bottleneck. */
  cpuMs(): Promise<number | null>;
  stop(): Promise<void>;
}

type Started = ReturnType<typeof execa>;

/**
 * A target process just spawned: pinned when asked, killed if the bench exits first, stopped by
 * SIGTERM. `fixture(port)` is it once it listens; `cleanUp` runs after it stopped.
 */
export function targetProcess(child: Started, what: string): { stop(): Promise<void>; fixture(port: number, cleanUp?: () => Promise<void>): Fixture } {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${what}: could not start`);
  live.add(pid);
  pin(pid, 'target');
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    live.delete(pid);
  };
  return {
    stop,
    fixture: (port, cleanUp) => ({
      origin: `http://127.0.0.1:${port}`,
      pid,
      cpuMs: () => pidusage(pid).then((s) => s.ctime, () => null),
      stop: async () => {
        await stop();
        await cleanUp?.();
      },
    }),
  };
}

/** Start bench/fixtures/<name>.ts in its own process and wait for the port it announces. */
export async function startFixture(name: FixtureName, env: Record<string, string> = {}): Promise<Fixture> {
  const file = fileURLToPath(new URL(`../fixtures/${name}.ts`, import.meta.url));
  const child = execa(process.execPath, ['--import', 'tsx', file], {
    env, stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', reject: false, forceKillAfterDelay: STOP_GRACE_MS,
  });
  const target = targetProcess(child, `fixture ${name}`);
  try {
    return target.fixture(await readPort(child.stdout, name));
  } catch (err) {
    await target.stop();
    throw err;
  }
}

async function readPort(stdout: NodeJS.ReadableStream, name: string): Promise<number> {
  const lines = createInterface({ input: stdout });
  const timer = setTimeout(() => lines.close(), READY_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number') return port;
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`fixture ${name}: no {"port":N} line on stdout within ${READY_TIMEOUT_MS} ms`);
}
