import { defineTarget } from './lib/define.ts';
import { createApi } from './lib/api.ts';
import { listenFastify } from './lib/fastify-app.ts';

export default defineTarget({
  name: 'fastify',
  description:
    'fastify in one process: a faster framework, still one thread — blocking work is served one at a time '
    + '(with `sleep` work the event loop overlaps requests, but the declared concurrency stays 1)',
  env: { NODE_ENV: 'production' },
  concurrency: () => 1,
  start: (ctx) => listenFastify(ctx, createApi(ctx)),
});
