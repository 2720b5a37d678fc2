import { MAX_RATE } from '../../profiles/lib/define.ts';
import { startFixture } from '../lib/fixture.ts';
import type { FigureOptions, FigureRun } from '../lib/figure.ts';
import { mergeSlices } from '../lib/merge.ts';
import { runSide } from '../lib/run-side.ts';
import type { SideResult } from '../lib/side-types.ts';
import { pct, round2, takeTurns, type Side } from './efficiency.ts';

const IN_FLIGHT = 10;
const SECONDS = 10;
const WARMUP_S = 2;
const PROBE_S = 3;
/** Goals (issue 12): ≥ 0.9× autocannon's rate, nothing dropped, p50 within 0.1 ms of closed, CPU/req ≤ 1.2×. */
const RATE_SHARE = 0.9;
const P50_SLACK_MS = 0.1;
const GOAL_CPU = 1.2;

/**
 * The open model at a rate near the trivial target's capacity: autocannon (10 connections)
 * measures that capacity first; the open driver is then asked for 0.9× of it with at most 10
 * requests in flight, in alternating turns with autocannon and the closed driver (10 users,
 * the same in-flight level). Arrivals the generator launches late pile up at the cap and are
 * dropped, so nothing dropped means the generator kept pace with its own schedule.
 */
export async function openModel(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const fx = await startFixture('trivial');
  let sides: Side[];
  let rate = 0;
  try {
    o.log(`open: autocannon ${IN_FLIGHT} connections, ${PROBE_S} s, for the rate to ask`);
    const probe = await runSide({ kind: 'autocannon', origin: fx.origin, connections: IN_FLIGHT, seconds: PROBE_S, warmupSeconds: 1 });
    // A profile asks for at most MAX_RATE: on a fast quiet machine that is the limit, not 0.9×.
    rate = Math.min(MAX_RATE, Math.round(probe.rps * RATE_SHARE));
    sides = await takeTurns(fx, [
      { kind: 'lab-open', origin: fx.origin, rate, maxInFlight: IN_FLIGHT, seconds, warmupSeconds: WARMUP_S },
      { kind: 'autocannon', origin: fx.origin, connections: IN_FLIGHT, seconds, warmupSeconds: WARMUP_S },
      { kind: 'lab-closed', origin: fx.origin, users: IN_FLIGHT, seconds, warmupSeconds: WARMUP_S },
    ], seconds, o);
  } finally {
    await fx.stop();
  }
  const rows = sides.map((s) => mergeSlices(s.slices));
  const [open, ac, closed] = rows as [SideResult, SideResult, SideResult];
  open.tool = open.tool.replace(/\)$/, `, ${IN_FLIGHT} in flight)`);
  const share = ac.rps > 0 ? round2(open.rps / ac.rps) : null;
  const p50Diff = open.latency.p50 !== null && closed.latency.p50 !== null ? round2(open.latency.p50 - closed.latency.p50) : null;
  const cpu = open.cpuUsPerRequest && ac.cpuUsPerRequest ? round2(open.cpuUsPerRequest / ac.cpuUsPerRequest) : null;
  const checks = [
    share !== null && open.rps >= rate * 0.98, // the schedule was honoured (turns vary a little)
    open.dropped === 0,
    p50Diff !== null && Math.abs(p50Diff) <= P50_SLACK_MS,
    cpu !== null && cpu <= GOAL_CPU,
  ];
  return {
    figure: 'open',
    title: `Open model near capacity: trivial target, ${RATE_SHARE}× autocannon's rate, ${IN_FLIGHT} in flight, ${seconds} s each in alternating turns`,
    rows,
    summary: `lab open served ${share ?? '–'}× autocannon's req/s (asked ${RATE_SHARE}×), dropped ${open.dropped} (goal 0), p50 ${open.latency.p50} vs closed ${closed.latency.p50} ms (Δ ${p50Diff ?? '–'}, goal ≤ ${P50_SLACK_MS}), ${cpu ?? '–'}× autocannon's CPU/req (goal ≤ ${GOAL_CPU}×)`,
    met: checks.every(Boolean),
    notes: [
      `asked rate: ${rate} req/s = min(${RATE_SHARE} × the ${PROBE_S}-s autocannon probe just before, ${MAX_RATE})`,
      `open driver's worst launch lag behind schedule: ${open.maxLagMs ?? '–'} ms (counted in its latency)`,
      `server CPU: ${sides.map((s, i) => `${rows[i]!.tool.split(' (')[0]} ${pct(s)}`).join(', ')}`,
    ],
    extra: { rate, share, p50DiffMs: p50Diff, cpuRatio: cpu, maxLagMs: open.maxLagMs ?? null },
  };
}

