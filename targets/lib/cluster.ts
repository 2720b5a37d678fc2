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
