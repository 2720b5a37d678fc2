import { startFixture, type Fixture } from '../lib/fixture.ts';
import { alternate, type FigureOptions, type FigureRun } from '../lib/figure.ts';
import { mergeSlices } from '../lib/merge.ts';
import { startSide, type SideServer } from '../lib/run-side.ts';
import type { SideResult, SideSpec } from '../lib/side-types.ts';

const CONNECTIONS = 10;
const SECONDS = 10;
const SLICES = 5;
const WARMUP_S = 2;
const GOAL = 0.9;
/** The highest rate a profile accepts (profiles/lib/define.ts MAX_RATE). */
const OPEN_RATE = 50_000;

/**
 * Max req/s of the lab's closed driver (N users, no think time) beside autocannon at the same
 * connection count, against a server that answers at once. Each generator lives in its own
 * warmed-up process and they take turns in short slices, so background load on a shared
 * machine falls on all of them alike. The server's CPU share says whether it was the ceiling.
 */
export async function efficiency(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const slices = Math.max(1, Math.min(SLICES, Math.floor(seconds)));
  const fx = await startFixture('trivial');
  const sides: { name: string; server: SideServer; slices: SideResult[]; serverCpuMs: number; wallMs: number }[] = [];
  try {
    const specs: SideSpec[] = [
      { kind: 'lab-closed', origin: fx.origin, users: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
      { kind: 'autocannon', origin: fx.origin, connections: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
      // For reference: the open driver offered more than anyone can serve, capped at the same
      // number of requests in flight; arrivals beyond the cap are dropped (and cost CPU too).
      { kind: 'lab-open', origin: fx.origin, rate: OPEN_RATE, maxInFlight: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
    ];
    // Started one at a time so warm-ups do not compete.
    for (const spec of specs) {
      o.log(`efficiency: starting ${spec.kind} (${WARMUP_S} s warm-up)`);
      sides.push({ name: spec.kind, server: await startSide(spec, seconds * 2), slices: [], serverCpuMs: 0, wallMs: 0 });
    }
    o.log(`efficiency: ${slices} turns of ${seconds / slices} s each, ${CONNECTIONS} connections`);
    for (let turn = 0; turn < slices; turn++) {
      for (const side of alternate(sides, o.repeat + turn)) {
        const { result, cpuMs, wallMs } = await withServerCpu(fx, () => side.server.run(seconds / slices));
        side.slices.push(result);
        side.serverCpuMs += cpuMs ?? NaN;
        side.wallMs += wallMs;
      }
    }
  } finally {
    await Promise.all(sides.map((s) => s.server.stop()));
    await fx.stop();
  }
  const rows = sides.map((s) => mergeSlices(s.slices));
  const busy = sides.map((s) => `${rows[sides.indexOf(s)]!.tool} ${Number.isNaN(s.serverCpuMs) ? '–' : `${Math.round((s.serverCpuMs / s.wallMs) * 100)}%`}`);
  const [lab, ac, open] = rows as [SideResult, SideResult, SideResult];
  const ratio = ac.rps > 0 ? Math.round((lab.rps / ac.rps) * 100) / 100 : null;
  const openRatio = ac.rps > 0 ? Math.round((open.rps / ac.rps) * 100) / 100 : null;
  const cpuRatio = lab.cpuUsPerRequest && ac.cpuUsPerRequest ? Math.round((lab.cpuUsPerRequest / ac.cpuUsPerRequest) * 100) / 100 : null;
  const turnRatios = sides[0]!.slices.map((l, i) => Math.round((l.rps / Math.max(1, sides[1]!.slices[i]!.rps)) * 100) / 100);
  return {
    figure: 'efficiency',
    title: `Generator efficiency: trivial loopback target, ${CONNECTIONS} connections, ${seconds} s each in ${slices} alternating turns`,
    rows,
    summary: `lab closed / autocannon = ${ratio ?? '–'}× req/s (goal ≥ ${GOAL}×), ${cpuRatio ?? '–'}× CPU per request; lab open (${CONNECTIONS} in flight) / autocannon = ${openRatio ?? '–'}×`,
    met: ratio === null ? null : ratio >= GOAL,
    notes: [
      `lab closed / autocannon turn by turn: ${turnRatios.join(', ')}`,
      `server CPU while each generator ran: ${busy.join(', ')}`,
      'autocannon latency: the worst turn\'s percentiles, in whole ms (its own resolution); lab rows merge their histograms',
    ],
    extra: { ratio, cpuRatio, openRatio, turnRatios },
  };
}

async function withServerCpu<T>(fx: Fixture, fn: () => Promise<T>): Promise<{ result: T; cpuMs: number | null; wallMs: number }> {
  const c0 = await fx.cpuMs();
  const t0 = performance.now();
  const result = await fn();
  const c1 = await fx.cpuMs();
  return { result, cpuMs: c0 === null || c1 === null ? null : c1 - c0, wallMs: performance.now() - t0 };
}
