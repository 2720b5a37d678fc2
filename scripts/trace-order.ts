/**
 * Server-side evidence for the fairness finding: why a single-threaded Node server whose clients
 * keep their connections alive serves some of them far ahead of others. It runs express-dev's
 * setup in this process (express, block work, the seeded 10–100 ms service times) with a trace
 * of every request: the event-loop turn it was handled in (a counter a setImmediate bumps once
 * per turn), the connection it came on, and whether that connection was also served in the
 * previous turn. It then drives it with the lab (`--url`, the fair-short profile), once with
 * keep-alive and once with a new connection per request, and prints what the trace shows.
 *
 *   npx tsx scripts/trace-order.ts [profile]      (≈ 45 s; run it under the heavy-work lock)
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { mulberry32, serviceTimeMs } from '../targets/lib/prng.ts';
import { doWork } from '../targets/lib/work.ts';
import { ROOT as REPO_ROOT } from '../harness/paths.ts';

interface Handled { turn: number; conn: number; returning: boolean }

function tracedServer(trace: Handled[]): Promise<Server> {
  let turn = 0;
  const bump = () => { turn++; setImmediate(bump); };
  setImmediate(bump);
  const ids = new WeakMap<Socket, number>();
  let nextConn = 0;
  const lastTurn = new Map<number, number>();
  const rand = mulberry32(1);
  const app = express();
  app.use((req, res) => {
    const conn = ids.get(req.socket) ?? -1;
    if (req.path !== '/health' && req.path !== '/__loadlab/eld') {
      trace.push({ turn, conn, returning: lastTurn.get(conn) === turn - 1 });
      lastTurn.set(conn, turn);
      doWork('block', serviceTimeMs(rand));
    }
    res.json({ ok: true });
  });
  const server = createServer(app);
  server.on('connection', (s) => ids.set(s, nextConn++));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Within each turn, the pairs (one from a connection served the turn before, one not): how often the former went first. */
function summarise(trace: Handled[], label: string): string {
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
  const multi = turns.filter((t) => t.length > 1);
  return [
    `${label}: ${trace.length} requests in ${turns.length} event-loop turns (${multi.length} turns served more than one; mean ${(trace.length / turns.length).toFixed(1)} per turn, max ${Math.max(...turns.map((t) => t.length))})`,
    `  connections used: ${perConn.size}; requests on a connection served in the turn before: ${returning} (${((returning / trace.length) * 100).toFixed(1)}%)`,
    pairs
      ? `  in turns mixing both: ${returningFirst} of ${pairs} pairs (${((returningFirst / pairs) * 100).toFixed(1)}%) had the connection served the turn before go first`
      : '  no turn mixed a returning connection with another (no connection is reused)',
  ].join('\n');
}

async function traceRun(connection: 'keep-alive' | 'close', profile: string): Promise<string> {
  const trace: Handled[] = [];
  const server = await tracedServer(trace);
  const out = mkdtempSync(path.join(tmpdir(), 'loadlab-trace-'));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lab = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'harness/cli/main.ts'), '--url', url, '--profile', profile, '--connection', connection, '--out', path.join(out, 'run')], { stdio: 'ignore', cwd: REPO_ROOT });
    const code = await new Promise<number | null>((resolve) => lab.on('exit', resolve));
    if (code !== 0) throw new Error(`the lab exited with ${code}`);
    return summarise(trace, connection);
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

const profile = process.argv[2] ?? path.join(REPO_ROOT, 'test/fixtures/profiles/fair-short.ts');
for (const c of ['keep-alive', 'close'] as const) console.log(await traceRun(c, profile));
process.exit(0);
