import cluster from 'node:cluster';
import { defineTarget } from './lib/define.ts';
import { createApi } from './lib/api.ts';
import { clusterReady, forkWorkers, stopWorkers } from './lib/cluster.ts';
import { answerEldQueries, clusterEld } from './lib/cluster-eld.ts';
import { listenExpress } from './lib/express-app.ts';

export default defineTarget({
  name: 'express-cluster',
  description: 'node:cluster primary forking `size` express worker processes sharing one port (round-robin)',
  env: { NODE_ENV: 'production' },
  defaultSize: 4,
  concurrency: (size) => size,
  async start(ctx) {
    if (cluster.isPrimary) {
      answerEldQueries();
      const workers = await forkWorkers(ctx.size);
      return { close: () => stopWorkers(workers) };
    }
    return listenExpress(ctx, createApi(ctx, { ready: clusterReady(), eld: clusterEld }));
  },
});
