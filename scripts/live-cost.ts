/**
 * What the live view costs the load generator's thread: `tsx scripts/live-cost.ts RUN_DIR SECONDS [ROOT]`.
 * Starts the live view (from ROOT's harness/live/live.ts, default this checkout) on a finished run
 * folder (e.g. test/fixtures/run/make-fixture-run.ts with a 600-s duration), opens one SSE page (curl, in its own process),
 * feeds it one interval row a second as the lab does, and prints, over SECONDS: this thread's
 * event-loop delay (max, p99) and its busy time per second (event-loop utilization).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadRun } from '../harness/results/load.ts';

const [runDir, secondsArg, root = path.resolve(import.meta.dirname, '..')] = process.argv.slice(2);
if (!runDir || !secondsArg) throw new Error('usage: tsx scripts/live-cost.ts RUN_DIR SECONDS [ROOT]');
const seconds = Number(secondsArg);
const { startLive } = (await import(pathToFileURL(path.join(root, 'harness/live/live.ts')).href)) as typeof import('../harness/live/live.ts');
const run = await loadRun(runDir);
const last = run.targets.length - 1;
const t = run.targets[last]!;
const live = await startLive({ runDir, port: 0, onStop() {}, profile: { name: 'cost', model: 'closed', duration: run.profile?.duration ?? 600, stageCount: 3 } });
// The last target is "running": its files are complete, so the charts hold the whole run.
live.events.targetStart!({ index: last, count: run.targets.length, name: t.entry.name, concurrency: 1 });
const page = spawn('curl', ['-sN', '-o', '/dev/null', '-w', '%{size_download}', `${live.url}events`], { stdio: ['ignore', 'pipe', 'inherit'] });
const pageExit = new Promise((r) => page.once('exit', r));
let bytes = '';
page.stdout.on('data', (d: Buffer) => { bytes += d.toString(); });
await new Promise((r) => setTimeout(r, 3000)); // the page's first picture, and the start-up, are not measured
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
const elu0 = performance.eventLoopUtilization();
for (let s = 0; s < seconds; s++) {
  live.events.interval!({ name: t.entry.name, row: t.series[s % t.series.length]!, stageCount: 3, duration: 600 });
  await new Promise((r) => setTimeout(r, 1000));
}
const elu = performance.eventLoopUtilization(elu0);
eld.disable();
await live.close();
await pageExit;
console.log(JSON.stringify({
  root, seconds, sentMiB: +(Number(bytes) / 2 ** 20).toFixed(1),
  eldMaxMs: +(eld.max / 1e6).toFixed(1), eldP99Ms: +(eld.percentile(99) / 1e6).toFixed(1),
  busyMsPerS: +((elu.active / seconds)).toFixed(2), utilization: +elu.utilization.toFixed(4),
}));
process.exit(0);
