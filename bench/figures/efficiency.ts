import type { Fixture } from '../lib/fixture.ts';
import { alternate, type FigureOptions, type FigureRun } from '../lib/figure.ts';
import { chooseTarget, startMaxRateTarget } from '../lib/target.ts';
import { mergeSlices } from '../lib/merge.ts';
import { startSide, type SideServer } from '../lib/run-side.ts';
import type { SideResult, SideSpec } from '../lib/side-types.ts';

export const EFFICIENCY_CONNECTIONS = [1, 2, 10, 50];
const SECONDS = 10;
const SLICES = 5;
const WARMUP_S = 2;
/** Goals (issue 12): median turn ≥ 1.0× autocannon's req/s, every turn ≥ 0.9×, CPU per request ≤ 1.0×. */
const GOAL_MEDIAN = 1.0;
const GOAL_EVERY_TURN = 0.9;
const GOAL_CPU = 1.0;

export interface Side {
  server: SideServer;
  slices: SideResult[];
  serverCpuMs: number;
  wallMs: number;
}

/**
 * Max req/s of the lab's closed driver (N users, no think time) beside autocannon at N
 * connections, for each N, against a server that answers at once and costs less per request
 * than either generator (nginx). Each generator lives in its own warmed-up process and they take
 * turns in short slices, so background load on a shared machine falls on both alike. The
 * server's CPU share says whether it was the ceiling. By default the server and the generator
 * share one core (placement.ts), so the rate is set by what each generator costs per request.
 */
export async function efficiency(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const counts = o.connections ?? EFFICIENCY_CONNECTIONS;
  const { target, note } = chooseTarget(o.target);
  const fx = await startMaxRateTarget(target);
  const rows: SideResult[] = [];
  const lines: string[] = [];
  const notes: string[] = note ? [note] : [];
  const perCount: Record<string, unknown>[] = [];
  let met = true;
  try {
    for (const n of counts) {
      const [lab, ac] = await takeTurns(fx, [
        { kind: 'lab-closed', origin: fx.origin, users: n, seconds, warmupSeconds: WARMUP_S },
        { kind: 'autocannon', origin: fx.origin, connections: n, seconds, warmupSeconds: WARMUP_S },
      ], seconds, o, { mirrored: true }) as [Side, Side];
      const [l, a] = [mergeSlices(lab.slices), mergeSlices(ac.slices)];
      rows.push(l, a);
      const turns = lab.slices.map((s, i) => round2(s.rps / Math.max(1, ac.slices[i]!.rps)));
      const med = median(turns);
      const cpu = l.cpuUsPerRequest && a.cpuUsPerRequest ? round2(l.cpuUsPerRequest / a.cpuUsPerRequest) : null;
      const ok = med >= GOAL_MEDIAN && Math.min(...turns) >= GOAL_EVERY_TURN && cpu !== null && cpu <= GOAL_CPU;
      met &&= ok;
      lines.push(`${n} conns: median turn ${med}× req/s (every turn ${turns.join(', ')}), ${cpu ?? '–'}× CPU/req ${ok ? 'met' : 'MISSED'}`);
      notes.push(`${n} conns, server CPU: lab ${pct(lab)}, autocannon ${pct(ac)}`);
      perCount.push({ connections: n, medianRatio: med, turnRatios: turns, cpuRatio: cpu, met: ok });
    }
  } finally {
    await fx.stop();
  }
  notes.push('autocannon latency: the worst turn\'s percentiles, in whole ms (its own resolution); lab rows merge their histograms');
  return {
    figure: 'efficiency',
    placement: o.placement,
    title: `Generator efficiency: ${target === 'nginx' ? 'nginx' : 'node:http'} answering "ok" on loopback, closed loop at ${counts.join(', ')} connections, ${seconds} s each in ${turnCount(seconds)} alternating turns of two mirrored halves`,
    rows,
    summary: `lab closed / autocannon (goal: median ≥ ${GOAL_MEDIAN}×, every turn ≥ ${GOAL_EVERY_TURN}×, CPU/req ≤ ${GOAL_CPU}×): ${lines.join('; ')}`,
    met,
    notes,
    extra: { target, perCount },
  };
}

export interface TurnOptions {
  rateFor?: (i: number, sides: readonly Side[]) => number | undefined;
  mirrored?: boolean;
}

/**
 * Start each side (one at a time, so warm-ups do not compete), then run them in alternating turns.
 * `rateFor(i, sides)`, asked just before side i's slice: an open side's rate for it (undefined: its spec's).
 * `mirrored`: each turn runs as two halves in mirrored order (A B B A, then B A A B), and a side's
 * turn is the sum of its halves, so a drift of the machine's speed that is linear over the turn
 * falls on both sides alike instead of on whichever ran second.
 */
export async function takeTurns(fx: Fixture, specs: SideSpec[], seconds: number, o: FigureOptions, { rateFor, mirrored = false }: TurnOptions = {}): Promise<Side[]> {
  const slices = turnCount(seconds);
  const sides: Side[] = [];
  try {
    for (const spec of specs) {
      o.log(`${spec.kind}: starting (${spec.warmupSeconds} s warm-up)`);
      sides.push({ server: await startSide(spec, seconds * 2), slices: [], serverCpuMs: 0, wallMs: 0 });
    }
    o.log(`${slices} turns of ${seconds / slices} s each${mirrored ? ' (two mirrored halves)' : ''}: ${specs.map((s) => s.kind).join(', ')}`);
    for (let turn = 0; turn < slices; turn++) {
      const plan = turnPlan(sides, o.repeat + turn, mirrored);
      const parts = new Map<Side, SideResult[]>(sides.map((s) => [s, []]));
      for (const side of plan) {
        const c0 = await fx.cpuMs();
        const t0 = performance.now();
        parts.get(side)!.push(await side.server.run(seconds / slices / (mirrored ? 2 : 1), rateFor?.(sides.indexOf(side), sides)));
        const c1 = await fx.cpuMs();
        side.serverCpuMs += c0 === null || c1 === null ? NaN : c1 - c0;
        side.wallMs += performance.now() - t0;
      }
      for (const side of sides) {
        const p = parts.get(side)!;
        side.slices.push(p.length === 1 ? p[0]! : mergeSlices(p));
      }
    }
  } finally {
    await Promise.all(sides.map((s) => s.server.stop()));
  }
  return sides;
}

/** Turns in `seconds` of each side: SLICES, fewer when a turn would be under a second. */
export const turnCount = (seconds: number): number => Math.max(1, Math.min(SLICES, Math.floor(seconds)));

/** The order the sides run in within turn `k`: alternating per turn, mirrored (A B B A) if asked. */
export function turnPlan<T>(sides: readonly T[], k: number, mirrored: boolean): T[] {
  const order = alternate([...sides], k);
  return mirrored ? [...order, ...[...order].reverse()] : order;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : round2((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
};
export const pct = (s: Side) => (Number.isNaN(s.serverCpuMs) ? '–' : `${Math.round((s.serverCpuMs / s.wallMs) * 100)}%`);
