import { describe, expect, it } from 'vitest';
import { HistogramLogReader, type Histogram } from 'hdr-histogram-js';
import { decodeHistogram, newLatencyHistogram, recordUs } from '../../../harness/record/histogram.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import type { StageWindow } from '../../../harness/analysis/schedule.ts';

const windows: StageWindow[] = [
  { index: 0, at: 0, end: 4, steadyFrom: 1, users: 2 },
  { index: 1, at: 4, end: 8, steadyFrom: 5, users: 10 },
];

/** Feeds a known pattern: second t gets (t + 1) responses of (t + 1) × 10 ms, and one timeout in second 6. */
function feed(r: Recorder): void {
  for (let t = 0; t < 8; t++) {
    r.users(t, t < 4 ? 2 : 10);
    for (let i = 0; i <= t; i++) r.ok(t + i / 20, (t + 1) * 10_000);
    if (t === 6) r.error(6.5, 'timeout', 'UND_ERR_HEADERS_TIMEOUT: Headers Timeout Error');
  }
}

const QUANTILES = [1, 10, 50, 90, 95, 99, 99.9, 100];
const percentiles = (h: Histogram) => QUANTILES.map((q) => h.getValueAtPercentile(q));

/** 8 s of responses with seeded random latencies (1 ms – 3 s, long-tailed); returns them as recorded. */
function feedRandom() {
  const rand = mulberry32(7);
  const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
  const values: { t: number; us: number }[] = [];
  for (let t = 0; t < 8; t++) {
    const n = 20 + Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) {
      const us = Math.round(1000 + 3_000_000 * rand() ** 6);
      values.push({ t, us });
      r.ok(t + i / (n + 1), us);
    }
  }
  return { res: r.finish(), values };
}

describe('Recorder: interval → stage → run', () => {
  it('writes one row per second with that second’s counts and percentiles', () => {
    const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
    feed(r);
    const { rows } = r.finish();
    expect(rows.map((x) => x.t)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((x) => x.rps)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.map((x) => x.stage)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(rows[6]!.errors.timeout).toBe(1);
    expect(rows[6]!.requests).toBe(8);
    expect(rows[2]!.p50).toBeCloseTo(30, 0);
    expect(rows[7]!.users).toBe(10);
  });

  it('measures stages over their steady part only', () => {
    const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
    feed(r);
    const { stages } = r.finish();
    // Stage 0 steady = seconds 1..3: 2 + 3 + 4 ok responses over 3 s.
    expect(stages[0]!.requests).toBe(9);
    expect(stages[0]!.rps).toBe(3);
    expect(stages[1]!.requests).toBe(6 + 7 + 8 + 1);
    expect(stages[1]!.errorsTotal).toBe(1);
    expect(stages[1]!.errorPct).toBeCloseTo(4.5, 1);
    expect(stages[1]!.count).toBe(21);
  });

  it('whole-run and stage histograms hold exactly the raw values, built independently of the recorder', () => {
    const { res, values } = feedRandom();
    const whole = newLatencyHistogram();
    for (const v of values) recordUs(whole, v.us);
    const run = decodeHistogram(res.histograms.run);
    expect(run.totalCount).toBe(values.length);
    expect(percentiles(run)).toEqual(percentiles(whole));
    expect(run.mean).toBeCloseTo(whole.mean, 6);
    // Stages hold their steady seconds only (the ramp seconds 0 and 4 are left out).
    for (const w of windows) {
      const own = newLatencyHistogram();
      for (const v of values) if (v.t >= w.steadyFrom && v.t < w.end) recordUs(own, v.us);
      const stage = decodeHistogram(res.histograms.stages[w.index]!.raw);
      expect(stage.totalCount).toBe(own.totalCount);
      expect(percentiles(stage)).toEqual(percentiles(own));
    }
    // A check that can fail: the stages together are not the whole run, which has the ramp seconds too.
    expect(percentiles(decodeHistogram(res.histograms.stages[0]!.raw))).not.toEqual(percentiles(whole));
  });

  it('latency.hlog reads back (HistogramLogReader) as one interval per second holding that second\'s values', () => {
    const { res, values } = feedRandom();
    const reader = new HistogramLogReader(res.hlog);
    const intervals: Histogram[] = [];
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) intervals.push(h);
    expect(intervals).toHaveLength(8);
    const merged = newLatencyHistogram();
    intervals.forEach((h, t) => {
      const own = newLatencyHistogram();
      for (const v of values) if (v.t === t) recordUs(own, v.us);
      expect(h.totalCount).toBe(own.totalCount);
      expect(h.totalCount).toBe(res.rows[t]!.rps);
      expect(percentiles(h)).toEqual(percentiles(own));
      expect(h.startTimeStampMsec).toBe(t * 1000);
      merged.add(h);
    });
    expect(percentiles(merged)).toEqual(percentiles(decodeHistogram(res.histograms.run)));
  });

  it('keeps a coordinated-omission-corrected view when asked', () => {
    const r = new Recorder({ windows, duration: 8, expectedIntervalUs: 100_000 });
    for (let t = 0; t < 8; t++) r.ok(t, 10_000);
    r.ok(7.5, 1_000_000); // one 1 s stall where a response was expected every 100 ms
    const res = r.finish();
    const raw = decodeHistogram(res.histograms.run);
    const corrected = decodeHistogram(res.histograms.runCorrected!);
    expect(raw.totalCount).toBe(9);
    // HdrHistogram back-fills 900, 800, … 100 ms: the 9 sends the stall prevented.
    expect(corrected.totalCount).toBe(18);
  });

  it('counts each error kind and keeps a few distinct samples', () => {
    const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
    for (let i = 0; i < 10; i++) r.error(1, 'refused', `ECONNREFUSED ${i % 7}`);
    const res = r.finish();
    expect(res.errors.refused).toBe(10);
    expect(res.samples.refused).toHaveLength(5);
  });
});

describe('Recorder: the drain after the profile ends', () => {
  it('keeps the latency of responses completing after the end, but not their throughput', () => {
    const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
    for (let t = 0; t < 8; t++) r.ok(t + 0.5, 50_000);
    for (let i = 0; i < 20; i++) r.ok(8 + i * 0.05, 2_000_000); // a queue of 20 draining after the end
    const res = r.finish();
    expect(res.rows).toHaveLength(8);
    expect(res.rows[7]!.rps).toBe(1);
    expect(res.rows[7]!.p95).toBeGreaterThan(1900);
    expect(decodeHistogram(res.histograms.run).totalCount).toBe(28);
  });
});

describe('Recorder in-flight count (open model)', () => {
  it('time-averages the requests in flight per second from launches and answers, and counts launches', () => {
    const r = new Recorder({ windows, duration: 3, expectedIntervalUs: null, latencyBasis: 'intended' });
    r.launched(0, 2); // two out at 0.0 s
    r.ok(0.5, 500_000, 500_000); // one answered at 0.5 s: 2 in flight for 0.5 s, then 1
    r.launched(1.25); // 2 in flight from 1.25 s
    r.error(1.75, 'timeout', 'x'); // 1 from 1.75 s
    r.ok(2.5, 2_500_000, 2_500_000); // 0 from 2.5 s
    const { rows } = r.finish();
    // second 0: 2 × 0.5 + 1 × 0.5 = 1.5; second 1: 1 × 0.25 + 2 × 0.5 + 1 × 0.25 = 1.5; second 2: 1 × 0.5 = 0.5
    expect(rows.map((x) => x.inFlight)).toEqual([1.5, 1.5, 0.5]);
    expect(rows.map((x) => x.launched)).toEqual([2, 1, 0]);
  });

  it('closed model: keeps the mean of each second\'s live-user samples beside the users asked for', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: null });
    // 40 → 20 users at 0.0 s; the 20 stopped users finish their last request and think over the next second.
    for (const [t, live] of [[0, 40], [0.25, 35], [0.5, 30], [0.75, 25], [1, 20], [1.5, 20]] as const) r.users(t, 20, live);
    expect(r.finish().rows.map((x) => [x.users, x.liveUsers])).toEqual([[20, 32.5], [20, 20]]);
  });

  it('leaves the closed model\'s rows without in-flight fields', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: null });
    r.ok(0.5, 1000);
    expect(r.finish().rows[0]).not.toHaveProperty('inFlight');
  });
});

describe('Recorder drops by cause (open model)', () => {
  it('keeps each second\'s generator-late drops beside the total, which still counts both causes', () => {
    const r = new Recorder({ windows, duration: 3, expectedIntervalUs: null, latencyBasis: 'intended' });
    r.dropped(0.2, 'cap', 3);
    r.dropped(0.4, 'late');
    r.dropped(1.1, 'late', 5);
    r.dropped(2.9, 'cap');
    const { rows, stages } = r.finish();
    expect(rows.map((x) => [x.dropped, x.droppedLate])).toEqual([[4, 1], [5, 5], [1, 0]]);
    // The stage (steady from 1 s) keeps the total, as before.
    expect(stages[0]!.dropped).toBe(6);
  });

  it('leaves the closed model\'s rows without droppedLate', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: null });
    r.ok(0.5, 1000);
    expect(r.finish().rows[0]).not.toHaveProperty('droppedLate');
  });
});
