import { createServer, type Server } from 'node:http';
import express from 'express';
import type { TargetContext } from './define.ts';
import type { Api } from './api.ts';

/** An express app that hands every request to the shared API, listening on ctx.host:ctx.port. */
export async function listenExpress(ctx: TargetContext, api: Api): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(async (req, res) => {
    const r = await api.handle(req.method, req.path);
    res.status(r.status).json(r.body);
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.port, ctx.host, () => resolve());
  });
  return server;
}
