import Fastify from 'fastify';
import { defineTarget } from './lib/define.ts';
import { createApi, ELD_PATH, HEALTH_PATH } from './lib/api.ts';

/**
 * A "hello world": no service time at all, so it runs at tens of thousands of req/s and shows
 * whether the lab's generator (and the knee search, with --knee-probe) keep up with a fast server.
 * Only `/health` and the event-loop-delay path go through the shared API; `--work` is ignored.
 */
export default defineTarget({
  name: 'fastify-hello',
  description: 'fastify answering every request at once (no work; --work is ignored): a fast target for the generator and the knee search',
  env: { NODE_ENV: 'production' },
  groups: ['fast'],
  // No declared bound: with no service time, the capacity theory has nothing to say (null).
  concurrency: () => Infinity,
  start: async (ctx) => {
    const api = createApi(ctx);
    const app = Fastify({ logger: false });
    app.get(HEALTH_PATH, async (_req, reply) => { const r = await api.handle('GET', HEALTH_PATH); return reply.code(r.status).send(r.body); });
    app.get(ELD_PATH, async (_req, reply) => { const r = await api.handle('GET', ELD_PATH); return reply.code(r.status).send(r.body); });
    app.all('/*', async () => ({ hello: 'world' }));
    await app.listen({ port: ctx.port, host: ctx.host });
    return app;
  },
});
