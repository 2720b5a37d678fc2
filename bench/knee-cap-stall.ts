/**
 * What a knee step's in-flight cap buys under the open driver's slot wait (MAX_WAIT_MS): the
 * trivial fixture is stopped (SIGSTOP, then SIGCONT) for τ ms, 1 s into a 2.5-s open drive at
 * `--rate` over a preconnected pool, once per cap (seconds of arrivals) and stall; prints the
 * drops and p99 of each. docs/knee.md has the figures.
 *
 *   npx tsx bench/knee-cap-stall.ts [--rate 20000] [--caps 0.05,0.1,0.2] [--stalls 120,180,250]
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_RATE, openProfileSchema } from '../profiles/lib/define.ts';
import { driveOpen } from '../harness/drive/open.ts';
import { preconnectedPool } from '../harness/drive/preconnect.ts';
import { warmUp } from '../harness/drive/warmup.ts';
import { Recorder } from '../harness/record/recorder.ts';
import { stageWindows } from '../harness/analysis/schedule.ts';
import { startFixture } from './lib/fixture.ts';

/** Bad input ends here with one line naming the flag, before any process is started. */
function bad(message: string): never {
  console.error(`knee-cap-stall: ${message}`);
  process.exit(2);
}
const values = (() => {
  try {
    return parseArgs({ options: { rate: { type: 'string', default: '20000' }, caps: { type: 'string', default: '0.05,0.1,0.2' }, stalls: { type: 'string', default: '120,180,250' } } }).values;
  } catch (err) {
    return bad(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
})();
function numbers(flag: string, text: string, min: number, max: number): number[] {
  const xs = text.split(',').map((x) => Number(x.trim()));
  if (xs.some((x) => !Number.isFinite(x) || x < min || x > max)) bad(`--${flag}: expected numbers from ${min} to ${max}, comma-separated, got "${text}"`);
  return xs;
}
const rate = numbers('rate', values.rate, 1, MAX_RATE)[0]!;
const caps = numbers('caps', values.caps, 0.001, 10);
const stalls = numbers('stalls', values.stalls, 0, 10_000);
const fixture = await startFixture('trivial');
try {
  await warmUp({ origin: fixture.origin, seconds: 1, timeoutMs: 2000, signal: new AbortController().signal });
  for (const stallMs of stalls) {
    for (const capS of caps) {
      const profile = openProfileSchema.parse({ name: 'cap-stall', model: 'open', stages: [{ at: 0, rate }], duration: 2.5, timeoutMs: 2000, warmupSeconds: 0, maxInFlight: Math.ceil(rate * capS) });
      const recorder = new Recorder({ windows: stageWindows(profile), duration: 3, expectedIntervalUs: null, latencyBasis: 'intended' });
      const { pool } = await preconnectedPool({ origin: fixture.origin, maxInFlight: profile.maxInFlight, timeoutMs: 2000, signal: new AbortController().signal });
      const stall = sleep(1000).then(async () => { process.kill(fixture.pid, 'SIGSTOP'); await sleep(stallMs); process.kill(fixture.pid, 'SIGCONT'); });
      const stats = await driveOpen({ origin: fixture.origin, profile, recorder, signal: new AbortController().signal, pool });
      await stall;
      const stage = recorder.finish().stages[0];
      console.log(`rate ${rate} req/s, stall ${stallMs} ms, cap ${capS * 1000} ms (${profile.maxInFlight}): dropped ${stats.dropped} (${((stats.dropped / stats.scheduled) * 100).toFixed(2)} %), worst slot wait ${stats.maxWaitMs.toFixed(1)} ms, p99 ${stage?.p99 ?? '–'} ms`);
      await sleep(500);
    }
  }
} finally {
  try { process.kill(fixture.pid, 'SIGCONT'); } catch { /* gone */ }
  await fixture.stop();
}
