/**
 * Server-side evidence for the fairness finding: why a single-threaded Node server whose clients
 * keep their connections alive serves some of them far ahead of others. It runs express-dev's
 * setup in this process (express, block work, the seeded 10–100 ms service times) with a trace
 * of every request: the event-loop turn it was handled in (the turns that handled requests,
 * counted), the connection it came on, and whether that connection was also served in the
 * previous such turn. It then drives it with the lab (`--url`, the fair-short profile), once with
 * keep-alive and once with a new connection per request, and prints what the trace shows.
 *
 *   npx tsx scripts/trace-order.ts [profile]      (≈ 45 s; run it under the heavy-work lock)
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { StageStats } from '../harness/results/format.ts';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { mulberry32, serviceTimeMs } from '../targets/lib/prng.ts';
import { doWork } from '../targets/lib/work.ts';
import { ROOT as REPO_ROOT } from '../harness/paths.ts';

interface Handled { turn: number; conn: number; returning: boolean; at: number }

interface Accepted { conn: number; at: number; handledBefore: number }

function tracedServer(trace: Handled[], accepted: Accepted[]): Promise<Server> {
  // A turn ends at the check phase after the poll phase that handled its requests. The immediate is
  // armed only from a handler, so no immediate is pending when the loop waits in poll: an always
  // pending one would turn the blocking poll into a busy one and could change the very order traced.
  let turn = 0;
  let armed = false;
  const endOfTurn = () => { turn++; armed = false; };
  const ids = new WeakMap<Socket, number>();
  let nextConn = 0;
  const lastTurn = new Map<number, number>();
  const rand = mulberry32(1);
  const app = express();
  app.use((req, res) => {
    const conn = ids.get(req.socket) ?? -1;
    if (req.path !== '/health' && req.path !== '/__loadlab/eld') {
      if (!armed) { armed = true; setImmediate(endOfTurn); }
      trace.push({ turn, conn, returning: lastTurn.get(conn) === turn - 1, at: performance.now() });
      lastTurn.set(conn, turn);
      doWork('block', serviceTimeMs(rand));
    }
    res.json({ ok: true });
  });
  const server = createServer(app);
  server.on('connection', (s) => {
    accepted.push({ conn: nextConn, at: performance.now(), handledBefore: trace.length });
    ids.set(s, nextConn++);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Within each turn, the pairs (one from a connection served the turn before, one not): how often the former went first. */
function summarise(trace: Handled[], accepted: Accepted[], label: string): string {
  const byTurn = new Map<number, Handled[]>();
  for (const h of trace) byTurn.set(h.turn, [...(byTurn.get(h.turn) ?? []), h]);
  const turns = [...byTurn.values()];
  let pairs = 0;
  let returningFirst = 0;
  for (const t of turns) {
    t.forEach((a, i) => t.slice(i + 1).forEach((b) => {
      if (a.returning === b.returning) return;
      pairs++;
      if (a.returning) returningFirst++;
    }));
  }
  const perConn = new Map<number, number>();
  for (const h of trace) perConn.set(h.conn, (perConn.get(h.conn) ?? 0) + 1);
  const returning = trace.filter((h) => h.returning).length;
  // Between two requests of one connection: how many requests the server handled on others, and how long (a client thinks ≤ 1 s).
  const prev = new Map<number, { i: number; at: number }>();
  let passedOver = 0;
  let gapS = 0;
  trace.forEach((h, i) => {
    const p = prev.get(h.conn);
    if (p && i - p.i - 1 > passedOver) { passedOver = i - p.i - 1; gapS = (h.at - p.at) / 1000; }
    prev.set(h.conn, { i, at: h.at });
  });
  const multi = turns.filter((t) => t.length > 1);
  // From accept to the connection's first request handled: how many requests on other connections, how long.
  let firstWait = { n: 0, s: 0 };
  for (const a of accepted) {
    const i = trace.findIndex((h) => h.conn === a.conn);
    if (i >= 0 && i - a.handledBefore > firstWait.n) firstWait = { n: i - a.handledBefore, s: (trace[i]!.at - a.at) / 1000 };
  }
  // Accepted after load began: how late, and after how many requests on connections accepted earlier.
  const t0 = trace[0]?.at ?? 0;
  const late = accepted.filter((a) => a.handledBefore > 0).sort((a, b) => b.at - a.at);
  const lateLine = label === 'keep-alive' && late.length
    ? `  connections accepted after the first request was handled: ${late.length}; the last ${((late[0]!.at - t0) / 1000).toFixed(1)} s later, after ${late[0]!.handledBefore} requests on connections accepted before it`
    : null;
  return [
    `${label}: ${trace.length} requests in ${turns.length} event-loop turns (${multi.length} turns served more than one; mean ${(trace.length / turns.length).toFixed(1)} per turn, max ${Math.max(...turns.map((t) => t.length))})`,
    `  connections used: ${perConn.size}; requests on a connection served in the turn before: ${returning} (${((returning / trace.length) * 100).toFixed(1)}%)`,
    `  longest from accepting a connection to handling its first request: ${firstWait.n} requests handled on other connections, ${firstWait.s.toFixed(1)} s`,
    ...(lateLine ? [lateLine] : []),
    `  longest a connection went between two of its requests: ${passedOver} requests handled on other connections, ${gapS.toFixed(1)} s`,
    pairs
      ? `  in turns mixing both: ${returningFirst} of ${pairs} pairs (${((returningFirst / pairs) * 100).toFixed(1)}%) had the connection served the turn before go first`
      : '  no turn mixed a returning connection with another (no connection is reused)',
  ].join('\n');
}

async function traceRun(connection: 'keep-alive' | 'close', profile: string): Promise<string> {
  const trace: Handled[] = [];
  const accepted: Accepted[] = [];
  const server = await tracedServer(trace, accepted);
  const out = mkdtempSync(path.join(tmpdir(), 'loadlab-trace-'));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lab = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'harness/cli/main.ts'), '--url', url, '--profile', profile, '--connection', connection, '--out', path.join(out, 'run')], { stdio: 'ignore', cwd: REPO_ROOT });
    const code = await new Promise<number | null>((resolve) => lab.on('exit', resolve));
    if (code !== 0) throw new Error(`the lab exited with ${code}`);
    const dir = readdirSync(path.join(out, 'run'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    const [s] = JSON.parse(readFileSync(path.join(out, 'run', dir, 'stages.json'), 'utf8')) as StageStats[];
    const client = `  client side (the lab's run folder): ${s?.rps} req/s, p50 ${s?.p50} ms, p99 ${s?.p99} ms, Jain ${s?.fairness?.perUser?.jain}, `
      + `${s?.fairness?.order?.overtakenPct}% overtaken, up to ${s?.fairness?.order?.maxOvertakers} later requests ahead of one`;
    return `${summarise(trace, accepted, connection)}\n${client}`;
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

const profile = process.argv[2] ?? path.join(REPO_ROOT, 'test/fixtures/profiles/fair-short.ts');
for (const c of ['keep-alive', 'close'] as const) console.log(await traceRun(c, profile));
process.exit(0);
