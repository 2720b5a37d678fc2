import { describe, expect, it } from 'vitest';
import { decodeHistogram, latencyStats } from '../../../harness/record/histogram.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import type { StageWindow } from '../../../harness/analysis/schedule.ts';

const windows: StageWindow[] = [{ index: 0, at: 0, end: 2, steadyFrom: 0, users: 100 }];

/** One second of 10 ms responses at 100 req/s, then a single response that took 1 s (a stall). */
function stalled(r: Recorder): void {
  for (let i = 0; i < 100; i++) r.ok(i / 100, 10_000);
  r.ok(1.5, 1_000_000);
}

describe('Recorder: coordinated-omission correction (closed model)', () => {
  // HdrHistogram's rule: a 1 s value at a 10 ms expected interval also records 990, 980, …, 10 ms
  // (99 values), the requests a sender on that interval would have sent during the stall.
  it('adds back the requests a 1 s stall hid, as HdrHistogram defines them', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: 10_000 });
    stalled(r);
    const { histograms, stages } = r.finish();
    expect(histograms.latencyBasis).toBe('sent');
    expect(histograms.runSent).toBeNull();

    const raw = latencyStats(decodeHistogram(histograms.run));
    const corrected = latencyStats(decodeHistogram(histograms.runCorrected!));
    expect(raw.count).toBe(101);
    expect(corrected.count).toBe(200);
    // Raw: the 100th of 101 values is still a 10 ms one (reported as its bucket's top, 10.007 ms).
    expect(raw.p99).toBe(10.01);
    expect(raw.max).toBe(1000.45);
    // Corrected: the 198th of 200 values is the 980 ms one (bucket top 980.479 ms).
    expect(corrected.p99).toBe(980.48);
    expect(corrected.p50).toBe(10.01);
    expect(corrected.max).toBe(1000.45);

    expect(stages[0]!.count).toBe(101);
    expect(stages[0]!.corrected).toMatchObject({ count: 200, p99: 980.48 });
    expect(stages[0]!.sent).toBeNull();
  });

  it('corrects nothing when no response is slower than the expected interval', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: 10_000 });
    for (let i = 0; i < 100; i++) r.ok(i / 100, 10_000);
    const { histograms } = r.finish();
    expect(decodeHistogram(histograms.runCorrected!).totalCount).toBe(100);
  });

  it('clamps a value past the histogram range instead of throwing', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: 1_000_000 });
    expect(() => r.ok(0.5, 3_600_000_000)).not.toThrow();
    expect(r.finish().stages[0]!.corrected!.count).toBe(600);
  });
});

describe('Recorder: open-model latency basis', () => {
  it('keeps intended-time latency as the main view and the time from the actual send beside it', () => {
    const r = new Recorder({ windows, duration: 2, expectedIntervalUs: null, latencyBasis: 'intended' });
    for (let i = 0; i < 10; i++) r.ok(0.1 * i, 30_000, 10_000);
    const { histograms, stages, rows } = r.finish();
    expect(histograms.latencyBasis).toBe('intended');
    expect(histograms.runCorrected).toBeNull();
    // 30 ms sits in a 16 µs bucket (top 30.015 ms), 10 ms in an 8 µs one (top 10.007 ms).
    expect(latencyStats(decodeHistogram(histograms.run)).p50).toBe(30.02);
    expect(latencyStats(decodeHistogram(histograms.runSent!)).p50).toBe(10.01);
    expect(decodeHistogram(histograms.stages[0]!.sent!).totalCount).toBe(10);
    expect(stages[0]).toMatchObject({ p50: 30.02, corrected: null, sent: { count: 10, p50: 10.01 } });
    expect(rows[0]!.p50).toBe(30.02);
  });
});
