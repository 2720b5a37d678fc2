import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { execa } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_RATE, openProfileSchema, type OpenProfileInput } from '../../../profiles/lib/define.ts';
import { driveOpen, MAX_WAIT_MS } from '../../../harness/drive/open.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import type { RunManifest, StageStats, Summary } from '../../../harness/results/format.ts';
import { stageWindows } from '../../../harness/analysis/schedule.ts';
import { startLab } from '../../helpers/lab.ts';
import { gone } from '../../helpers/pids.ts';
import { targetProcesses, watchTree } from '../../helpers/process-tree.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const servers: Server[] = [];
let tmp = '';

/** A server in this process on an ephemeral loopback port; `delayMs` decides each answer's delay. */
async function serve(delayMs: (receivedAtMs: number) => number): Promise<string> {
  const server = createServer((req, res) => {
    setTimeout(() => res.end('ok'), delayMs(performance.now()));
    req.resume();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * An answer delay of `slowMs` for requests received from `fromMs` to `toMs` after the first
 * request, `fastMs` otherwise: a server hiccup at a known moment.
 */
function slowBetween(fromMs: number, toMs: number, slowMs: number, fastMs: number): (receivedAtMs: number) => number {
  let first = 0;
  return (now) => {
    first ||= now;
    const t = now - first;
    return t >= fromMs && t < toMs ? slowMs : fastMs;
  };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function drive(origin: string, input: Omit<OpenProfileInput, 'name' | 'model'>, extra: { signal?: AbortSignal; drainMs?: number } = {}) {
  const profile = openProfileSchema.parse({ name: 'test', model: 'open', warmupSeconds: 0, ...input });
  const recorder = new Recorder({ windows: stageWindows(profile), duration: Math.ceil(profile.duration), expectedIntervalUs: null, latencyBasis: 'intended' });
  const stats = await driveOpen({ origin, profile, recorder, signal: extra.signal ?? new AbortController().signal, ...(extra.drainMs ? { drainMs: extra.drainMs } : {}) });
  return { stats, result: recorder.finish() };
}

describe('driveOpen against an in-process server', () => {
  it('sends 50 req/s for 3 s on schedule to a 20 ms server', async () => {
    const origin = await serve(() => 20);
    const { stats, result } = await drive(origin, { stages: [{ at: 0, rate: 50 }], duration: 3, maxInFlight: 50, timeoutMs: 2000 });
    const ok = result.rows.reduce((n, r) => n + r.rps, 0);
    expect(stats.scheduled).toBe(150);
    expect(stats.dropped).toBe(0);
    expect(ok).toBeGreaterThanOrEqual(128);
    expect(ok).toBeLessThanOrEqual(172);
    expect(result.rows.map((r) => r.users)).toEqual([50, 50, 50]);
    const [stage] = result.stages;
    // Wide bands: 2 noisy cores. The floor is the server's own 20 ms.
    expect(stage!.p50!).toBeGreaterThanOrEqual(19);
    expect(stage!.p50!).toBeLessThan(150);
    expect(stage!.sent!.count).toBe(stage!.count);
    expect(result.histograms.latencyBasis).toBe('intended');
  });

  it('counts drops and times stalled requests from their intended send time', async () => {
    // From 1 s to 2 s after the first request, every answer takes 1 s.
    const origin = await serve(slowBetween(1000, 2000, 1000, 5));
    const { stats, result } = await drive(origin, { stages: [{ at: 0, rate: 50 }], duration: 3, maxInFlight: 5, timeoutMs: 3000 });
    const dropped = result.rows.reduce((n, r) => n + r.dropped, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBe(stats.dropped);
    expect(stats.launched + stats.dropped).toBe(150);
    // The generator was idle and on time: the drops were the cap's, not its own lag's (a few may
    // be late: this server shares the test's event loop, and the machine is shared).
    expect(stats.droppedAtCap + stats.droppedLate).toBe(stats.dropped);
    expect(stats.droppedAtCap).toBeGreaterThanOrEqual(stats.dropped * 0.8);
    expect(result.rows.reduce((n, r) => n + r.droppedLate!, 0)).toBe(stats.droppedLate);
    const run = result.stages[0]!;
    expect(run.errorsTotal).toBe(0);
    expect(run.p99!).toBeGreaterThanOrEqual(900);
    expect(run.p99!).toBeLessThan(3000);
  });
});

describe('driveOpen: whose fault a drop was', () => {
  it('counts arrivals it reached late (its own loop blocked) apart from those it found the cap full for', async () => {
    const origin = await serve(() => 1e9);
    // 2 slots fill at once and never free; 300 ms in, the generator's own loop is blocked for 400 ms.
    setTimeout(() => { const until = performance.now() + 400; while (performance.now() < until); }, 300);
    const { stats, result } = await drive(origin, { stages: [{ at: 0, rate: 200 }], duration: 1, maxInFlight: 2, timeoutMs: 5000 }, { drainMs: 100 });
    // The run folder's per-second rows carry the same split as the run's totals (series.json ↔ manifest openDrive).
    expect(result.rows.reduce((n, r) => n + r.droppedLate!, 0)).toBe(stats.droppedLate);
    expect(result.rows.reduce((n, r) => n + r.dropped, 0)).toBe(stats.dropped);
    expect(stats.launched).toBe(2);
    expect(stats.dropped).toBe(198);
    expect(stats.droppedAtCap + stats.droppedLate).toBe(stats.dropped);
    // ~80 arrivals came due during the block; the ~60 of them older than MAX_WAIT_MS (100 ms) when
    // the loop got back were first reached then, late: dropped by its own lag. The rest waited in view.
    expect(stats.droppedLate).toBeGreaterThanOrEqual(45);
    expect(stats.droppedLate).toBeLessThan(100);
    expect(stats.droppedAtCap).toBeGreaterThan(90);
  });
});

describe('driveOpen: an arrival that finds every slot busy waits for one', () => {
  it(`a server hiccup shorter than MAX_WAIT_MS (${MAX_WAIT_MS} ms) costs latency, not drops`, async () => {
    // Two slots; arrivals 10 ms apart; answers take 2 ms, but 25 ms for requests received in a
    // 40-ms stretch: two of its arrivals find both slots busy and wait ~5 ms for one.
    const origin = await serve(slowBetween(500, 540, 25, 2));
    const { stats, result } = await drive(origin, { stages: [{ at: 0, rate: 100 }], duration: 1.5, maxInFlight: 2, timeoutMs: 3000 });
    expect(stats.launched + stats.dropped).toBe(150);
    // Dropped at the cap before they could wait; one may still be on this noisy machine.
    expect(stats.dropped).toBeLessThanOrEqual(1);
    expect(stats.waited).toBeGreaterThanOrEqual(2);
    expect(stats.maxWaitMs).toBeGreaterThan(0);
    expect(stats.maxWaitMs).toBeLessThan(MAX_WAIT_MS);
    // The wait is in the latency, timed from the intended time: 25 ms of service plus the wait.
    expect(result.stages[0]!.max!).toBeGreaterThan(25);
  });

  it(`drops what waited longer than MAX_WAIT_MS, as the cap's, and sends nothing later than that plus the loop's wake-up`, async () => {
    // One slot, answers after 50 ms, 100 arrivals a second: 1 in 5 can be sent, the rest wait and are dropped.
    const origin = await serve(() => 50);
    const { stats } = await drive(origin, { stages: [{ at: 0, rate: 100 }], duration: 2, maxInFlight: 1, timeoutMs: 3000 });
    expect(stats.launched + stats.dropped).toBe(200);
    expect(stats.launched).toBeGreaterThanOrEqual(25);
    expect(stats.launched).toBeLessThanOrEqual(60);
    expect(stats.droppedAtCap).toBeGreaterThanOrEqual(stats.dropped * 0.9);
    expect(stats.waited).toBeGreaterThan(stats.launched * 0.5);
    expect(stats.maxWaitMs).toBeLessThan(MAX_WAIT_MS + 30);
  });
});

describe('driveOpen at the edges of what a profile may ask', () => {
  it(`at the highest rate (${MAX_RATE} req/s) against a server that never answers: bounded memory, a live event loop, a prompt stop`, async () => {
    const origin = await serve(() => 1e9);
    const abort = new AbortController();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const heapBefore = process.memoryUsage().heapUsed;
    // The abort is a timer: it only fires if the driver keeps returning to the event loop.
    setTimeout(() => abort.abort(), 1500);
    const t0 = performance.now();
    const { stats } = await drive(origin, { stages: [{ at: 0, rate: MAX_RATE }], duration: 60, maxInFlight: 100, timeoutMs: 600_000 }, { signal: abort.signal });
    const took = performance.now() - t0;
    loop.disable();
    expect(took).toBeLessThan(1500 * 2);
    expect(stats.launched).toBe(100);
    expect(stats.dropped).toBeGreaterThan(MAX_RATE * 0.5);
    expect(loop.max / 1e6).toBeLessThan(250);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 2 ** 20);
  });

  it('ends within its duration plus the drain limit, whatever the request timeout', async () => {
    const origin = await serve(() => 1e9);
    const t0 = performance.now();
    const { result } = await drive(origin, { stages: [{ at: 0, rate: 20 }], duration: 1, maxInFlight: 50, timeoutMs: 600_000 }, { drainMs: 300 });
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1000 + 300 - 20);
    expect(took).toBeLessThan((1000 + 300) * 1.5);
    expect(result.errors.timeout).toBe(20);
  });
});

describe('npm run lab -- --url', () => {
  const lab = (args: string[]) => execa(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...args], { cwd: ROOT, reject: false, all: true });

  it('drives a server the lab did not start and writes the usual run folder', async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'loadlab-url-'));
    const profileFile = path.join(tmp, 'tiny-open.ts');
    const define = path.join(ROOT, 'profiles/lib/define.ts');
    await writeFile(profileFile, `import { defineProfile } from ${JSON.stringify(define)};\n`
      + `export default defineProfile({ name: 'tiny-open', model: 'open', stages: [{ at: 0, rate: 20 }], duration: 2, warmupSeconds: 0, timeoutMs: 2000 });\n`);
    let hits = 0;
    const origin = await serve(() => {
      hits++;
      return 10;
    });
    const out = path.join(tmp, 'run');
    const run = startLab(['--url', origin, '--profile', profileFile, '--out', out]);
    const tree = watchTree(run.child.pid!);
    const code = await run.exited;
    const seen = await tree.stop();
    expect(code, run.stderr()).toBe(0);
    // --url starts no target, and the lab leaves no process of its own behind (checked by PID).
    expect(targetProcesses(seen, run.child.pid!)).toEqual([]);
    for (const p of seen) expect(await gone(p.pid, 3000), `${p.pid} ${p.cmd}`).toBe(true);
    expect(hits).toBeGreaterThanOrEqual(30);

    const host = new URL(origin).host;
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.targets).toHaveLength(1);
    expect(summary.targets[0]).toMatchObject({ name: host, concurrency: 0, state: 'ok', status: 'held' });
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.complete).toBe(true);
    expect(manifest.targets[0]).toMatchObject({ name: host, description: origin, url: origin, concurrency: 0, size: 0 });
    const stages = JSON.parse(await readFile(path.join(out, manifest.targets[0]!.dir, 'stages.json'), 'utf8')) as StageStats[];
    expect(stages[0]!.requests).toBeGreaterThanOrEqual(30);
  });

  it('refuses a non-loopback URL with exit 2 before sending anything', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'loadlab-url-')), 'run');
    const started = Date.now();
    const res = await lab(['--url', 'http://10.0.0.1:1', '--profile', 'smoke', '--out', out]);
    expect(res.exitCode, res.all).toBe(2);
    expect(res.stderr).toMatch(/refusing to send load to 10\.0\.0\.1:1: not a loopback address/);
    // No run folder and no time spent connecting: nothing was sent.
    await expect(stat(out)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(15_000);
    await rm(path.dirname(out), { recursive: true, force: true });
  });

  it('rejects --url with --targets in one line', async () => {
    const res = await lab(['--url', 'http://127.0.0.1:1', '--targets', 'express-dev']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe('loadlab: --url and --targets cannot be used together: --url drives a server already running, --targets starts the lab\'s own');
  });
});
