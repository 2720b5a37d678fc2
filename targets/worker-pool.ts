import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { defineTarget } from './lib/define.ts';
import { createApi } from './lib/api.ts';
import { listenFastify } from './lib/fastify-app.ts';

const WARMUP_TIMEOUT_MS = 20_000;

export default defineTarget({
  name: 'worker-pool',
  description: 'fastify on the main thread, the work in a piscina pool of `size` threads',
  env: { NODE_ENV: 'production' },
  defaultSize: 4,
  concurrency: (size) => size,
  async start(ctx) {
    // Every request crosses the one main thread, so it runs the lighter framework (fastify).
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./lib/pool-worker.ts', import.meta.url)),
      minThreads: ctx.size,
      maxThreads: ctx.size,
      idleTimeout: Infinity,
    });
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const warm = { counter, parties: ctx.size, timeoutMs: WARMUP_TIMEOUT_MS };
    await Promise.all(Array.from({ length: ctx.size }, () => pool.run(warm, { name: 'barrier' })));
    const app = await listenFastify(ctx, createApi(ctx, { run: (work, ms) => pool.run({ work, ms }) }));
    return { close: async () => { await app.close(); await pool.close({ force: true }); } };
  },
});
