import { startFixture, type Fixture } from '../lib/fixture.ts';
import { alternate, type FigureOptions, type FigureRun } from '../lib/figure.ts';
import { runSide } from '../lib/run-side.ts';
import type { SideResult, SideSpec } from '../lib/side-types.ts';

const CONNECTIONS = 10;
const SECONDS = 5;
const WARMUP_S = 2;
const GOAL = 0.9;
const OPEN_RATE = 60_000;

/**
 * Max req/s of the lab's closed driver (N users, no think time) beside autocannon at the same
 * connection count, against a server that answers at once. The server's CPU share over each
 * side tells whether the target, not the generator, was the ceiling.
 */
export async function efficiency(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const fx = await startFixture('trivial');
  const rows: SideResult[] = [];
  const serverBusy: Record<string, number | null> = {};
  try {
    const specs: SideSpec[] = [
      { kind: 'lab-closed', origin: fx.origin, users: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
      { kind: 'autocannon', origin: fx.origin, connections: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
      // For reference: the open driver offered more than anyone can serve, capped at the same
      // number of requests in flight; arrivals beyond the cap are dropped (and cost CPU too).
      { kind: 'lab-open', origin: fx.origin, rate: OPEN_RATE, maxInFlight: CONNECTIONS, seconds, warmupSeconds: WARMUP_S },
    ];
    for (const spec of alternate(specs, o.repeat)) {
      o.log(`efficiency: ${spec.kind}, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${seconds} s`);
      const { result, busy } = await withServerCpu(fx, () => runSide(spec));
      rows.push(result);
      serverBusy[result.tool] = busy;
    }
  } finally {
    await fx.stop();
  }
  rows.sort((a, b) => order(a) - order(b));
  const [lab, ac, open] = rows as [SideResult, SideResult, SideResult];
  const ratio = ac.rps > 0 ? Math.round((lab.rps / ac.rps) * 100) / 100 : null;
  const openRatio = ac.rps > 0 ? Math.round((open.rps / ac.rps) * 100) / 100 : null;
  const cpuRatio = lab.cpuUsPerRequest && ac.cpuUsPerRequest ? Math.round((lab.cpuUsPerRequest / ac.cpuUsPerRequest) * 100) / 100 : null;
  return {
    figure: 'efficiency',
    title: `Generator efficiency: trivial loopback target, ${CONNECTIONS} connections, ${seconds} s each`,
    rows,
    summary: `lab closed / autocannon = ${ratio ?? '–'}× req/s (goal ≥ ${GOAL}×), ${cpuRatio ?? '–'}× CPU per request; lab open (${CONNECTIONS} in flight) / autocannon = ${openRatio ?? '–'}×`,
    met: ratio === null ? null : ratio >= GOAL,
    notes: [
      `server CPU while each side ran (warm-up and process start included, so a lower bound): ${Object.entries(serverBusy).map(([k, v]) => `${k} ${v === null ? '–' : `${v}%`}`).join(', ')}`,
    ],
    extra: { ratio, cpuRatio, openRatio, serverBusyPct: serverBusy },
  };
}

const order = (r: SideResult) => (r.tool.startsWith('lab closed') ? 0 : r.tool.startsWith('autocannon') ? 1 : 2);

async function withServerCpu<T>(fx: Fixture, fn: () => Promise<T>): Promise<{ result: T; busy: number | null }> {
  const c0 = await fx.cpuMs();
  const t0 = performance.now();
  const result = await fn();
  const c1 = await fx.cpuMs();
  const wall = performance.now() - t0;
  return { result, busy: c0 === null || c1 === null ? null : Math.round(((c1 - c0) / wall) * 100) };
}
