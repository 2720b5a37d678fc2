import { closedProfileSchema, constant, constantPacing, openProfileSchema } from '../../../profiles/lib/define.ts';
import { driveClosed } from '../../../harness/drive/closed.ts';
import { driveOpen, type OpenDriveStats } from '../../../harness/drive/open.ts';
import { decodeHistogram, latencyStats } from '../../../harness/record/histogram.ts';
import { Recorder, type RecorderResult } from '../../../harness/record/recorder.ts';
import { stageWindows } from '../../../harness/analysis/schedule.ts';
import type { HttpClient } from '../../../harness/drive/connections.ts';
import type { SideResult, SideRunner, SideSpec } from '../side-types.ts';
import { measured } from './measure.ts';

const TIMEOUT_MS = 10_000;
/** `LOADLAB_BENCH_CLIENT=undici npm run bench` measures the lab's drivers on undici instead of their own client. */
const CLIENT: HttpClient = process.env.LOADLAB_BENCH_CLIENT === 'undici' ? 'undici' : 'lab';

type ClosedSpec = Extract<SideSpec, { kind: 'lab-closed' }>;
type OpenSpec = Extract<SideSpec, { kind: 'lab-open' }>;

/** The real closed-model driver, as `npm run lab` runs it: N users, no think time unless paced. */
async function closedOnce(s: ClosedSpec, seconds: number) {
  const profile = closedProfileSchema.parse({
    name: 'bench', duration: seconds, timeoutMs: TIMEOUT_MS, warmupSeconds: 0,
    wait: s.pacingSeconds ? constantPacing(s.pacingSeconds) : constant(0),
    // Every user starts at once: the bench measures steady load, not a ramp.
    stages: [{ at: 0, users: s.users, spawnRate: Math.min(s.users * 1000, 20_000) }],
  });
  const recorder = new Recorder({ windows: stageWindows(profile), duration: Math.ceil(seconds), expectedIntervalUs: null });
  await driveClosed({ origin: s.origin, profile, recorder, seed: 1, client: s.client ?? CLIENT, signal: new AbortController().signal, onTick: (t) => recorder.advance(t) });
  return { result: recorder.finish(), open: undefined };
}

/** The real open-model driver; latency is timed from each arrival's intended send time. */
async function openOnce(s: OpenSpec, seconds: number, rate = s.rate) {
  const profile = openProfileSchema.parse({
    name: 'bench', model: 'open', duration: seconds, timeoutMs: TIMEOUT_MS, warmupSeconds: 0,
    stages: [{ at: 0, rate }], ...(s.maxInFlight ? { maxInFlight: s.maxInFlight } : {}),
  });
  const recorder = new Recorder({ windows: stageWindows(profile), duration: Math.ceil(seconds), expectedIntervalUs: null, latencyBasis: 'intended' });
  const stats = await driveOpen({ origin: s.origin, profile, recorder, client: s.client ?? CLIENT, signal: new AbortController().signal, onTick: (t) => recorder.advance(t) });
  return { result: recorder.finish(), open: stats };
}

/** Warm up once, then run measured slices: the same code path, so JIT and connections are warm for it. */
export function labSide(s: ClosedSpec | OpenSpec): SideRunner {
  const once = (seconds: number, rate?: number): Promise<{ result: RecorderResult; open: OpenDriveStats | undefined }> => (s.kind === 'lab-closed' ? closedOnce(s, seconds) : openOnce(s, seconds, rate));
  const via = (s.client ?? CLIENT) === 'undici' ? ', undici' : '';
  const tool = s.kind === 'lab-closed' ? `lab closed (${s.users} users${via})` : `lab open (${s.rate} req/s${via})`;
  return {
    warmUp: async () => {
      if (s.warmupSeconds > 0) await once(s.warmupSeconds);
    },
    run: async (seconds, rate) => {
      const m = await measured(s.sampleRss ?? false, () => once(seconds, rate));
      return summarize(tool, m.value.result, m, m.value.open);
    },
  };
}

function summarize(tool: string, r: RecorderResult, m: { cpuMs: number; seconds: number; rss: SideResult['rss'] }, open: OpenDriveStats | undefined): SideResult {
  let ok = 0;
  let errors = 0;
  let dropped = 0;
  for (const row of r.rows) {
    ok += row.rps;
    errors += row.errorsTotal;
    dropped += row.dropped;
  }
  const requests = ok + errors;
  return {
    tool, requests, errors, dropped,
    seconds: round(m.seconds, 2),
    rps: Math.round(ok / m.seconds),
    cpuMs: Math.round(m.cpuMs),
    cpuUsPerRequest: requests > 0 ? round((m.cpuMs * 1000) / requests, 1) : null,
    latency: latencyStats(decodeHistogram(r.histograms.run)),
    histogram: r.histograms.run,
    rss: m.rss,
    ...(open === undefined ? {} : {
      maxLagMs: round(open.maxLagMs, 1),
      droppedAtCap: open.droppedAtCap,
      scheduled: open.scheduled,
      droppedLate: open.droppedLate,
      waited: open.waited,
      maxWaitMs: round(open.maxWaitMs, 1),
      // The recorder's per-second mean in flight (launch to answer), averaged over the run's seconds.
      inFlightLevels: open.inFlightLevels.map((x) => round(x, 4)),
      meanInFlight: r.rows.length > 0 ? round(r.rows.reduce((n, row) => n + (row.inFlight ?? 0), 0) / r.rows.length, 2) : 0,
    }),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
