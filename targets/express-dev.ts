import { defineTarget } from './lib/define.ts';
import { createApi } from './lib/api.ts';
import { listenExpress } from './lib/express-app.ts';

export default defineTarget({
  name: 'express-dev',
  description: 'express in one process, NODE_ENV=development — the single-threaded dev server',
  env: { NODE_ENV: 'development' },
  concurrency: () => 1,
  start: (ctx) => listenExpress(ctx, createApi(ctx)),
});
