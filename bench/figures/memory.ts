import { startFixture } from '../lib/fixture.ts';
import type { FigureOptions, FigureRun } from '../lib/figure.ts';
import { runSide } from '../lib/run-side.ts';
import type { RssSample } from '../lib/side-types.ts';

export const MEMORY_SECONDS = 90;
export const MEMORY_LONG_SECONDS = 600;
const RATE = 5000;
const EARLY_S = 60;
const GOAL_RATIO = 1.1;

/**
 * The open driver at a high rate for minutes: latency goes into histograms, not sample arrays,
 * so RSS at the end should match RSS after the first minute.
 */
export async function memory(o: FigureOptions): Promise<FigureRun> {
  const seconds = o.seconds ?? MEMORY_SECONDS;
  const fx = await startFixture('trivial');
  let row;
  try {
    o.log(`memory: lab-open ${RATE} req/s for ${seconds} s (RSS sampled each second)`);
    row = await runSide({ kind: 'lab-open', origin: fx.origin, rate: RATE, seconds, warmupSeconds: 0, sampleRss: true });
  } finally {
    await fx.stop();
  }
  // A short run has no minute mark: compare its midpoint with its end instead.
  const earlyAt = seconds >= EARLY_S + 10 ? EARLY_S : seconds / 2;
  const early = sampleAt(row.rss, earlyAt);
  const end = row.rss[row.rss.length - 1] ?? null;
  const ratio = early && end ? Math.round((end.rssMb / early.rssMb) * 100) / 100 : null;
  const peak = row.rss.reduce((m, s) => Math.max(m, s.rssMb), 0);
  return {
    figure: 'memory',
    placement: o.placement,
    title: `Memory: lab open driver, ${RATE} req/s, trivial target, ${seconds} s`,
    rows: [{ ...row, rss: [] }],
    summary: `RSS ${early?.rssMb ?? '–'} MB at ${early?.t ?? '–'} s → ${end?.rssMb ?? '–'} MB at ${end?.t ?? '–'} s = ${ratio ?? '–'}× (goal ≤ ${GOAL_RATIO}×); peak ${peak} MB; heap ${early?.heapMb ?? '–'} → ${end?.heapMb ?? '–'} MB`,
    met: ratio === null ? null : ratio <= GOAL_RATIO,
    notes: [],
    extra: { rate: RATE, early, end, ratio, peakMb: peak, rss: everyTenth(row.rss) },
  };
}

function sampleAt(samples: RssSample[], t: number): RssSample | null {
  let best: RssSample | null = null;
  for (const s of samples) if (s.t <= t + 0.5) best = s;
  return best;
}

// The saved file keeps the curve's shape without a line per second of a 10-minute run.
const everyTenth = (s: RssSample[]) => s.filter((_, i) => i % 10 === 9 || i === s.length - 1);
