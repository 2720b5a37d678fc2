import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { vegaScripts } from '../../reports/assets.ts';
import { hostAllowed, newToken, originAllowed, pathToken, tokenMatches } from './guard.ts';
import { LIVE_CSS, LIVE_JS, PAGE_CSP, livePage } from './page.ts';
import { sseFrame, type EndMessage } from './messages.ts';
import { runFile } from './files.ts';
import type { SentCharts } from './chart-delta.ts';

export interface LiveServerOptions {
  runDir: string;
  /** 0: any free port. */
  port: number;
  /** The Stop button: end the run as Ctrl-C does. */
  onStop(): void;
  /**
   * The current picture as an SSE frame for one page: the figures, and the charts last built that
   * this page has not been sent yet (`sent` is its own record, updated). Cheap, sent once a second.
   */
  frame(sent: SentCharts): string;
  /**
   * Build the charts anew (off this thread: see chart-thread.ts); resolves with the build's time
   * once frame() carries them.
   */
  buildCharts(): Promise<number>;
  /** Changes whenever the picture may have: nothing is sent while it stays the same. */
  version(): number;
}

export interface LiveServer {
  /** The URL to print: its path is the token. */
  url: string;
  port: number;
  /** Send the last charts and the end of the run to every page (and to any page opened from now on). */
  end(m: EndMessage): Promise<void>;
  /** Pages connected now. */
  readonly clients: number;
  /** Resolves when no page is connected (at once if none is). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const TICK_MS = 1000;
/** The share of one core the live charts may take (in their own thread, but on the same machine). */
const CHART_BUDGET = 0.01;
const MAX_CHART_INTERVAL_MS = 30_000;

/**
 * How often the charts are rebuilt, given how long the last build took: every second while that
 * is under 10 ms, less often after, so the chart thread takes about 1% of a core however long the
 * run (a 600-s, 4-target run takes ≈ 40 ms a build) and leaves the CPU to the targets and the
 * generator. The figures above the charts stay once a second.
 */
export function chartIntervalMs(buildMs: number): number {
  return Math.min(MAX_CHART_INTERVAL_MS, Math.max(TICK_MS, Math.ceil(buildMs / CHART_BUDGET / TICK_MS) * TICK_MS));
}
const ASSET_TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

/**
 * The live page's server, on 127.0.0.1 only. Every request must carry the token as the first
 * path segment and a Host the lab printed; Stop also needs it in a header (a cross-origin page
 * cannot add one without a CORS preflight, which is never answered). No CORS headers at all.
 */
export async function startLiveServer(o: LiveServerOptions): Promise<LiveServer> {
  const token = newToken();
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true, return503OnClosing: true });
  /** Each open event stream, with the charts it has been sent. */
  const streams = new Map<ServerResponse, SentCharts>();
  const idleWaiters: (() => void)[] = [];
  let port = 0;
  let ended: EndMessage | null = null;
  /** end() was called: no more ticks, the last charts are being built. */
  let ending = false;
  let sentVersion = -1;
  let chartsDueAt = 0;
  let building: Promise<void> | null = null;
  let recent: number[] = [];
  /** Fresh charts (one build at a time), sent to every page as soon as they come; the next build is due from their cost. */
  const rebuild = (): Promise<void> => {
    if (building) return building;
    // Due again from the build's start (less half a tick), so builds under 10 ms come every tick.
    const started = Date.now() - TICK_MS / 2;
    building = o.buildCharts().then(
      (ms) => {
        // The fastest of the last three builds: a cold first build (modules, JIT) does not space the next ones out.
        recent = [...recent.slice(-2), ms];
        chartsDueAt = started + chartIntervalMs(Math.min(...recent));
      },
      () => { chartsDueAt = started + MAX_CHART_INTERVAL_MS; },
    ).finally(() => {
      building = null;
      if (ending || streams.size === 0) return;
      sentVersion = o.version();
      sendFrames();
    });
    return building;
  };

  const dropStream = (res: ServerResponse) => {
    streams.delete(res);
    if (streams.size === 0) idleWaiters.splice(0).forEach((f) => f());
  };
  const send = (frame: string) => {
    for (const res of streams.keys()) res.write(frame);
  };
  const sendFrames = () => {
    for (const [res, sent] of streams) res.write(o.frame(sent));
  };

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer')
      .header('Content-Security-Policy', PAGE_CSP).header('X-Frame-Options', 'DENY');
    if (!hostAllowed(req.headers.host, port)) return reply.code(403).type('text/plain').send('refused: unexpected Host header');
    if (!originAllowed(req.headers.origin, port)) return reply.code(403).type('text/plain').send('refused: cross-origin request');
    if (!tokenMatches(token, pathToken(req.url))) return reply.code(403).type('text/plain').send('refused: the URL lacks the token the lab printed');
    return undefined;
  });

  const base = `/${token}`;
  app.get(`${base}/`, async (_req, reply) => reply.type('text/html; charset=utf-8').send(livePage(token)));
  app.get(base, async (_req, reply) => reply.redirect(`${base}/`));
  const [vega, vegaLite, vegaEmbed] = await vegaScripts();
  const assets: Record<string, [string, keyof typeof ASSET_TYPES]> = {
    'vega.js': [vega!, 'js'], 'vega-lite.js': [vegaLite!, 'js'], 'vega-embed.js': [vegaEmbed!, 'js'], 'live.js': [LIVE_JS, 'js'], 'live.css': [LIVE_CSS, 'css'],
  };
  app.get<{ Params: { name: string } }>(`${base}/assets/:name`, async (req, reply) => {
    const a = Object.hasOwn(assets, req.params.name) ? assets[req.params.name] : undefined;
    if (!a) return reply.code(404).type('text/plain').send('no such asset');
    return reply.type(ASSET_TYPES[a[1]]).send(a[0]);
  });

  app.get(`${base}/events`, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    const sent: SentCharts = new Map();
    streams.set(res, sent);
    req.raw.on('close', () => dropStream(res));
    res.write(o.frame(sent));
    if (ended) res.write(sseFrame(ended));
    else if (!ending) void rebuild();
  });

  app.post(`${base}/stop`, async (req, reply) => {
    if (!tokenMatches(token, req.headers['x-loadlab-token'])) return reply.code(403).type('text/plain').send('refused: Stop needs the x-loadlab-token header');
    if (!ended) o.onStop();
    return reply.code(202).send({ stopping: !ended });
  });

  app.get<{ Params: { '*': string } }>(`${base}/run/*`, async (req, reply) => {
    const f = await runFile(o.runDir, req.params['*']);
    if ('refused' in f) return reply.code(f.status).type('text/plain').send(`refused: ${f.refused}`);
    // report.html is the lab's own page: it runs its inlined scripts under its own policy.
    if (f.csp) reply.header('Content-Security-Policy', f.csp);
    return reply.type(f.type).send(f.text);
  });

  await app.listen({ host: '127.0.0.1', port: o.port });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : o.port;

  const tick = setInterval(() => {
    if (ending || streams.size === 0) return;
    const v = o.version();
    if (v === sentVersion) return;
    // Charts due: one frame once they are built, so the figures and the charts agree.
    if (Date.now() >= chartsDueAt) void rebuild();
    else { sentVersion = v; sendFrames(); }
  }, TICK_MS);
  tick.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}${base}/`,
    port,
    get clients() { return streams.size; },
    async end(m) {
      if (ending) return;
      ending = true;
      await building;
      await o.buildCharts().catch(() => {});
      ended = m;
      sendFrames();
      send(sseFrame(m));
    },
    idle: () => (streams.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: () => (closing ??= (async () => {
      clearInterval(tick);
      for (const res of streams.keys()) res.end();
      streams.clear();
      idleWaiters.splice(0).forEach((f) => f());
      await app.close();
    })()),
  };
}
