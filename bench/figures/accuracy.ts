import { startFixture } from '../lib/fixture.ts';
import { alternate, type FigureOptions, type FigureRun } from '../lib/figure.ts';
import { runSide } from '../lib/run-side.ts';
import type { SideResult, SideSpec } from '../lib/side-types.ts';
import { findWrk, runWrk, WRK_MISSING } from '../lib/wrk.ts';

const DELAY_MS = 50;
const RATE = 50;
const SECONDS = 10;
const WARMUP_S = 1;
/** wrk has no rate: 3 closed-loop connections on a 50 ms server offer about 60 req/s. */
const WRK_CONNECTIONS = 3;
const P50_SLACK_MS = 2;
const P99_SLACK_MS = 5;

/**
 * Against a server that always takes 50 ms, every millisecond above 50 is the generator's
 * (or the loopback's). Far below capacity, so queueing adds nothing.
 */
export async function accuracy(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? SECONDS;
  const fx = await startFixture('delay', { DELAY_MS: String(DELAY_MS) });
  const rows: SideResult[] = [];
  const notes: string[] = [];
  try {
    const specs: SideSpec[] = [
      { kind: 'lab-open', origin: fx.origin, rate: RATE, seconds, warmupSeconds: WARMUP_S },
      // 10 users paced at one request per 0.2 s: the same 50 req/s from the closed driver.
      { kind: 'lab-closed', origin: fx.origin, users: 10, pacingSeconds: 10 / RATE, seconds, warmupSeconds: WARMUP_S },
    ];
    for (const spec of alternate(specs, o.repeat)) {
      o.log(`accuracy: ${spec.kind}, ${RATE} req/s, ${seconds} s`);
      rows.push(await runSide(spec));
    }
    const wrk = findWrk();
    if (wrk) {
      o.log(`accuracy: wrk -c${WRK_CONNECTIONS}, ${seconds} s`);
      rows.push(await runWrk(wrk, fx.origin, WRK_CONNECTIONS, seconds));
    } else {
      notes.push(WRK_MISSING);
      o.log(WRK_MISSING);
    }
  } finally {
    await fx.stop();
  }
  const open = rows.find((r) => r.tool.startsWith('lab open'));
  const over = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round((x - DELAY_MS) * 100) / 100);
  const p50Over = over(open?.latency.p50);
  const p99Over = over(open?.latency.p99);
  const wrk = rows.find((r) => r.tool.startsWith('wrk'));
  const vsWrk = (k: 'p50' | 'p99') => {
    const a = open?.latency[k];
    const b = wrk?.latency[k];
    return a === null || a === undefined || b === null || b === undefined ? '–' : `${a - b >= 0 ? '+' : ''}${Math.round((a - b) * 100) / 100}`;
  };
  if (wrk) notes.push(`lab open − wrk: p50 ${vsWrk('p50')} ms, p99 ${vsWrk('p99')} ms (what the machine adds, it adds to both)`);
  if (open?.maxLagMs !== undefined) notes.push(`open driver's worst launch lag behind schedule: ${open.maxLagMs} ms (counted in its latency)`);
  notes.push(`the fixture's own setTimeout(${DELAY_MS}) fires 0–1 ms late (Node timers have 1 ms resolution), so ~${DELAY_MS + 0.5} ms is the floor`);
  notes.push('wrk is plain wrk (closed loop, no -R rate; wrk2 is not packaged in Debian): its load is ~60 req/s, not 50');
  return {
    figure: 'accuracy',
    placement: o.placement,
    title: `Accuracy: target with a fixed ${DELAY_MS} ms delay, ${RATE} req/s, ${seconds} s`,
    rows,
    summary: `lab open p50 = ${DELAY_MS} + ${p50Over ?? '–'} ms (goal ≤ +${P50_SLACK_MS}), p99 = ${DELAY_MS} + ${p99Over ?? '–'} ms (goal ≤ +${P99_SLACK_MS})`,
    met: p50Over === null || p99Over === null ? null : p50Over >= 0 && p50Over <= P50_SLACK_MS && p99Over <= P99_SLACK_MS,
    notes,
    extra: { delayMs: DELAY_MS, p50OverMs: p50Over, p99OverMs: p99Over },
  };
}
