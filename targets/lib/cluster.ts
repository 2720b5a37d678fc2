import cluster, { type Worker } from 'node:cluster';

const READY = 'loadlab:cluster-ready';

/**
 * Primary: fork `size` workers and, once every one listens, tell them all. Until then their
 * `/health` answers 503, so the harness never measures a half-started cluster.
 * Rejects if a worker dies first (e.g. the port is taken), so the target fails instead of limping.
 */
export function forkWorkers(size: number): Promise<Worker[]> {
  const workers = Array.from({ length: size }, () => cluster.fork());
  return new Promise((resolve, reject) => {
    let listening = 0;
    for (const w of workers) {
      w.once('listening', () => {
        if (++listening < size) return;
        for (const x of workers) x.send(READY);
        resolve(workers);
      });
      w.once('exit', (code, signal) => {
        if (listening < size) reject(new Error(`cluster worker ${w.process.pid} exited (code ${code}, signal ${signal}) before the cluster was ready`));
        else if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') console.error(`cluster worker ${w.process.pid} exited (code ${code}, signal ${signal}); not replaced`);
      });
    }
  });
}

/** Worker: settles when the primary says the whole cluster listens. */
export function clusterReady(): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (m !== READY) return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
  });
}

/**
 * Primary's close(): SIGTERM the workers and wait for them, so they are reaped here and not
 * left as orphans for init (which may reap late) when only the primary was signalled.
 */
export async function stopWorkers(workers: Worker[]): Promise<void> {
  const alive = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  const exits = alive.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  for (const w of alive) w.process.kill('SIGTERM');
  await Promise.all(exits);
}
