import { describe, expect, it } from 'vitest';
import { decodeHistogram, newLatencyHistogram, recordUs } from '../../../harness/record/histogram.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import { mergeWorkerLogs } from '../../../harness/record/locust-merge.ts';
import { usersFromHistory } from '../../../harness/drive/locust/stats-history.ts';
import { parseRequestLog, REQUEST_LOG_HEADER } from '../../../harness/drive/locust/request-log.ts';
import { stageWindows } from '../../../harness/analysis/schedule.ts';
import { closedProfileSchema } from '../../../profiles/lib/define.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';

const profile = closedProfileSchema.parse({ name: 'm', duration: 6, stages: [{ at: 0, users: 4, spawnRate: 100 }, { at: 3, users: 8, spawnRate: 100 }] });
const START_US = 1_700_000_000_000_000;

interface Known { worker: number; startUs: number; latencyUs: number; kind: string }

/** Three workers' logs of seeded random requests (1 ms – 2 s, long-tailed), every 40th an error; known values returned. */
function threeWorkers() {
  const rand = mulberry32(11);
  const known: Known[] = [];
  const texts = [0, 1, 2].map((w) => {
    const lines = [`${REQUEST_LOG_HEADER} host=h pid=${w}`];
    for (let k = 0; k <= 6; k++) lines.push(`cpu,${START_US + k * 1_000_000 + 300_000},${(w + 1) * 100_000 * k}`);
    for (let i = 0; i < 300; i++) {
      const startUs = START_US + Math.floor(rand() * 5_000_000);
      const latencyUs = Math.round(1000 + 2_000_000 * rand() ** 5);
      const kind = i % 40 === 39 ? 'timeout' : 'ok';
      known.push({ worker: w, startUs, latencyUs, kind });
      lines.push(`${startUs},${startUs - 3},${latencyUs},${kind},${kind === 'ok' ? '' : 'ReadTimeout: timed out'}`);
    }
    // A line cut short by a kill mid-write is counted, not read.
    lines.push('17000000');
    return lines.join('\n');
  });
  return { known, logs: texts.map((t, w) => parseRequestLog(`requests-h-${w}.log`, t)) };
}

describe('mergeWorkerLogs', () => {
  it('puts every worker\'s requests in the same histograms as recording them one by one would', () => {
    const { known, logs } = threeWorkers();
    const recorder = new Recorder({ windows: stageWindows(profile), duration: profile.duration, expectedIntervalUs: null });
    const merged = mergeWorkerLogs({ logs, startUs: START_US, stages: profile.stages, duration: profile.duration, timeoutMs: 1000, recorder });
    const res = recorder.finish();

    expect(merged.requests).toBe(900);
    expect(merged.outOfRun).toBe(0);
    expect(merged.workers.map((w) => [w.requests, w.badLines, w.cpuSeconds])).toEqual([[300, 1, 0.6], [300, 1, 1.2], [300, 1, 1.8]]);
    // Worker 2 used 0.3 s of CPU per second: the busiest worker's CPU is the generator's.
    expect(merged.genCpuPct).toEqual([30, 30, 30, 30, 30, 30]);

    // The whole run: exactly the successful latencies, whatever worker sent them.
    const ok = known.filter((k) => k.kind === 'ok');
    const direct = newLatencyHistogram();
    for (const k of ok) recordUs(direct, k.latencyUs);
    const run = decodeHistogram(res.histograms.run);
    expect(run.totalCount).toBe(ok.length);
    for (const q of [1, 50, 90, 99, 99.9, 100]) expect(run.getValueAtPercentile(q)).toBe(direct.getValueAtPercentile(q));

    // Per second, by completion time (start + latency), as the live driver records them.
    const doneIn = (k: Known) => Math.min(Math.floor((k.startUs + k.latencyUs - START_US) / 1e6), profile.duration - 1);
    for (const row of res.rows) {
      const inSecond = known.filter((k) => doneIn(k) === row.t);
      // As live: a success completing after the profile's end keeps its latency, not its throughput.
      const counted = inSecond.filter((k) => k.kind !== 'ok' || k.startUs + k.latencyUs - START_US < profile.duration * 1e6);
      expect(row.requests, `second ${row.t}`).toBe(counted.length);
      expect(row.errors.timeout, `second ${row.t}`).toBe(inSecond.filter((k) => k.kind === 'timeout').length);
      expect(row.users).toBe(row.t < 3 ? 4 : 8);
    }
    // Per stage: the steady seconds' successes, exactly.
    for (const s of res.stages) {
      const h = newLatencyHistogram();
      for (const k of ok) if (doneIn(k) >= s.steadyFrom && doneIn(k) < s.end) recordUs(h, k.latencyUs);
      const got = decodeHistogram(res.histograms.stages[s.index]!.raw);
      expect(got.totalCount).toBe(h.totalCount);
      expect(got.getValueAtPercentile(95)).toBe(h.getValueAtPercentile(95));
    }
    expect(res.errors.timeout).toBe(known.filter((k) => k.kind === 'timeout').length);
    expect(res.samples.timeout).toEqual(['ReadTimeout: timed out']);
  });

  it('counts requests outside the run (a worker clock out of step)', () => {
    const log = parseRequestLog('w', [REQUEST_LOG_HEADER, `${START_US - 5_000_000},${START_US - 5_000_000},1000,ok,`, `${START_US + 100},${START_US + 100},1000,ok,`].join('\n'));
    const recorder = new Recorder({ windows: stageWindows(profile), duration: profile.duration, expectedIntervalUs: null });
    expect(mergeWorkerLogs({ logs: [log], startUs: START_US, stages: profile.stages, duration: profile.duration, timeoutMs: 1000, recorder }).outOfRun).toBe(1);
  });

  it('reads a log: requests, CPU samples, bad lines', () => {
    const log = parseRequestLog('w', `${REQUEST_LOG_HEADER}\n10,9,1500,ok,\n11,11,20,http,HTTP 500 GET index\ncpu,12,34\n12,12,x,ok,\n13,13,5,weird,\n`);
    expect(log.requests).toEqual([
      { startUs: 10, intendedUs: 9, latencyUs: 1500, kind: 'ok', message: '' },
      { startUs: 11, intendedUs: 11, latencyUs: 20, kind: 'http', message: 'HTTP 500 GET index' },
    ]);
    expect(log.cpu).toEqual([{ atUs: 12, cpuUs: 34 }]);
    expect(log.badLines).toBe(2);
  });
});

describe('usersFromHistory', () => {
  it('reads Locust\'s own user count per profile second from its stats history', () => {
    const csv = [
      'Timestamp,User Count,Type,Name,Requests/s',
      `${START_US / 1e6 - 1},0,,Aggregated,0`,
      `${START_US / 1e6},0,,Aggregated,0`,
      `${START_US / 1e6 + 1},4,GET,index,3`,
      `${START_US / 1e6 + 1},4,,Aggregated,3`,
      `${START_US / 1e6 + 3},8,,Aggregated,9`,
      `${START_US / 1e6 + 9},8,,Aggregated,9`,
    ].join('\n');
    expect(usersFromHistory(csv, START_US + 200_000, 6)).toEqual([0, 4, null, 8, null, null]);
    expect(usersFromHistory('nonsense', START_US, 2)).toEqual([null, null]);
  });

  it('becomes the rows\' liveUsers in the merge', () => {
    const log = parseRequestLog('w', `${REQUEST_LOG_HEADER}\n${START_US + 100},${START_US + 100},1000,ok,\n`);
    const recorder = new Recorder({ windows: stageWindows(profile), duration: profile.duration, expectedIntervalUs: null });
    mergeWorkerLogs({ logs: [log], startUs: START_US, stages: profile.stages, duration: profile.duration, timeoutMs: 1000, recorder, liveUsers: [1, 3, null, 7, 8, 8] });
    expect(recorder.finish().rows.map((r) => r.liveUsers)).toEqual([1, 3, undefined, 7, 8, 8]);
  });
});
