import { startFixture } from '../lib/fixture.ts';
import { alternate, type FigureOptions, type FigureRun } from '../lib/figure.ts';
import { runSide } from '../lib/run-side.ts';
import type { SideResult, SideSpec } from '../lib/side-types.ts';

const STALL_MS = 1000;
const EVERY_MS = 4000;
const RATE = 50;
const SECONDS = 15;
const WARMUP_S = 1;
const USERS = 2;

/**
 * A server that freezes for 1 s every 4 s. The open model keeps sending on schedule and times
 * each request from when it was due, so a quarter of its requests see part of a stall; a
 * closed loop (lab closed driver, autocannon) sends nothing while it waits, so each stall costs
 * it one slow sample per connection among thousands of fast ones.
 */
export async function omission(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const fx = await startFixture('stall', { STALL_MS: String(STALL_MS), EVERY_MS: String(EVERY_MS) });
  const rows: SideResult[] = [];
  try {
    const specs: SideSpec[] = [
      { kind: 'lab-open', origin: fx.origin, rate: RATE, seconds, warmupSeconds: WARMUP_S },
      { kind: 'lab-closed', origin: fx.origin, users: USERS, seconds, warmupSeconds: WARMUP_S },
      { kind: 'autocannon', origin: fx.origin, connections: USERS, seconds, warmupSeconds: WARMUP_S },
    ];
    for (const spec of alternate(specs, o.repeat)) {
      o.log(`omission: ${spec.kind}, ${seconds} s`);
      rows.push(await runSide(spec));
    }
  } finally {
    await fx.stop();
  }
  rows.sort((a, b) => order(a) - order(b));
  const open = rows.find((r) => r.tool.startsWith('lab open'))?.latency.p99 ?? null;
  const closed = rows.find((r) => r.tool.startsWith('lab closed'))?.latency.p99 ?? null;
  return {
    figure: 'omission',
    placement: o.placement,
    title: `Coordinated omission: target stalls ${STALL_MS} ms every ${EVERY_MS} ms; open ${RATE} req/s vs closed ${USERS} users, no think time; ${seconds} s`,
    rows,
    summary: `p99 open model ${open ?? '–'} ms vs closed model ${closed ?? '–'} ms (goal: open shows the stalls, ≥ ${STALL_MS / 2} ms; closed hides them, < 100 ms)`,
    met: open === null || closed === null ? null : open >= STALL_MS / 2 && closed < 100,
    notes: ['open-model latency is timed from each arrival\'s intended send time; the closed rows are timed from the actual send'],
    extra: { openP99: open, closedP99: closed },
  };
}

const order = (r: SideResult) => (r.tool.startsWith('lab open') ? 0 : r.tool.startsWith('lab closed') ? 1 : 2);
