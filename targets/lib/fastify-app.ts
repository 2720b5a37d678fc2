import Fastify, { type FastifyInstance } from 'fastify';
import type { TargetContext } from './define.ts';
import type { Api } from './api.ts';

/** A fastify app that hands every request to the shared API, listening on ctx.host:ctx.port. */
export async function listenFastify(ctx: TargetContext, api: Api): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.all('/*', async (req, reply) => {
    const r = await api.handle(req.method, req.url.split('?', 1)[0] ?? '/');
    return reply.code(r.status).send(r.body);
  });
  await app.listen({ port: ctx.port, host: ctx.host });
  return app;
}
