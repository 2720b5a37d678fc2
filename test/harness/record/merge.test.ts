import { describe, expect, it, vi } from 'vitest';
import { decodeHistogram, encodeHistogram, newLatencyHistogram } from '../../../harness/record/histogram.ts';
import { fromWire, mergeSeconds, SecondsMerger, servedFromWire, servedToWire, toWire } from '../../../harness/record/merge.ts';
import { Recorder, type RecorderOptions, type SecondPart } from '../../../harness/record/recorder.ts';
import type { StageWindow } from '../../../harness/analysis/schedule.ts';
import { mulberry32 } from '../../../targets/lib/prng.ts';

const windows: StageWindow[] = [
  { index: 0, at: 0, end: 3, steadyFrom: 1, users: 4 },
  { index: 1, at: 3, end: 6, steadyFrom: 4, users: 4 },
];
const opts = (over: Partial<RecorderOptions> = {}): RecorderOptions => ({ windows, duration: 6, expectedIntervalUs: 50_000, ...over });

/** One event of a run: which user (of 4) got what at which time. */
interface Ev { t: number; user: number; us: number; error: boolean }

function events(): Ev[] {
  const rand = mulberry32(11);
  const out: Ev[] = [];
  for (let t = 0; t < 6; t += 0.004) out.push({ t, user: Math.floor(rand() * 4), us: Math.round(200 + 2_000_000 * rand() ** 8), error: rand() < 0.01 });
  return out;
}

function play(r: Recorder, evs: readonly Ev[], users: number, user = (u: number) => u): void {
  let lastSecond = -1;
  for (const e of evs) {
    if (Math.floor(e.t) !== lastSecond) {
      lastSecond = Math.floor(e.t);
      r.users(e.t, users, users);
    }
    if (e.error) r.error(e.t, 'timeout', 'timed out');
    else {
      r.ok(e.t, e.us);
      r.served(e.t, user(e.user), { overtakers: e.us > 500_000 ? 1 : 0, latencyUs: e.us });
    }
  }
}

describe('merging generator threads (--generators)', () => {
  it('gives the same rows, stages, histograms and per-user counts as one recorder that saw every response', () => {
    const evs = events();
    const whole = new Recorder(opts());
    play(whole, evs, 4);
    const expected = whole.finish();

    // Two threads: users 0 and 2 in thread 0, users 1 and 3 in thread 1 (each runs 2 users).
    const merged = new Recorder(opts());
    const merger = new SecondsMerger(merged, 2, 'closed');
    for (const k of [0, 1]) {
      const r = new Recorder(opts({ onSecond: (p) => merger.add(k, fromWire(toWire(p))) }));
      play(r, evs.filter((e) => e.user % 2 === k), 2);
      const res = r.finish();
      merged.absorbServed(servedFromWire(servedToWire(r.servedState())));
      merged.absorbSamples(res.samples);
      merger.end(k);
    }
    const got = merged.finish();

    expect(got.rows).toEqual(expected.rows);
    expect(got.stages).toEqual(expected.stages);
    expect(got.errors).toEqual(expected.errors);
    expect(got.samples).toEqual(expected.samples);
    // The log's interval histograms are the same; its max column is the top of the max's bucket (an
    // encoded histogram keeps counts, not the raw maximum), within the histograms' 0.1% precision.
    const lines = (h: string) => h.split('\n').map((l) => l.split(','));
    const [g, e] = [lines(got.hlog), lines(expected.hlog)];
    expect(g.map((l) => [l[0], l[1], l[3]])).toEqual(e.map((l) => [l[0], l[1], l[3]]));
    g.forEach((l, i) => { if (l[2] !== undefined && /^[\d.]+$/.test(l[2])) expect(Math.abs(Number(l[2]) - Number(e[i]![2])) / Number(e[i]![2])).toBeLessThan(0.001); });
    for (const [a, b] of [[got.histograms.run, expected.histograms.run], [got.histograms.runCorrected!, expected.histograms.runCorrected!]] as const) {
      const ha = decodeHistogram(a), hb = decodeHistogram(b);
      expect(ha.totalCount).toBe(hb.totalCount);
      for (const q of [0, 1, 50, 90, 99, 99.9, 100]) expect(ha.getValueAtPercentile(q)).toBe(hb.getValueAtPercentile(q));
    }
    expect(decodeHistogram(got.histograms.run).totalCount).toBe(evs.filter((e) => !e.error).length);
    expect(got.stages[1]!.fairness!.perUser!.counts).toHaveLength(4);
    expect(got.stages[1]!.fairness!.perUser!.counts).toEqual(expected.stages[1]!.fairness!.perUser!.counts);
  });

  it('adds counts, keeps the open model rate once and live users as the sum of each thread\'s mean', () => {
    const part = (over: Partial<SecondPart>): SecondPart => {
      let captured: SecondPart | null = null;
      const rr = new Recorder({ ...opts({ latencyBasis: 'intended', expectedIntervalUs: null }), onSecond: (p) => { captured ??= fromWire(toWire(p)); } });
      rr.ok(0.5, 1000, 900);
      rr.advance(1);
      return { ...captured!, ...over };
    };
    const a = part({ users: 100, ok: 3, dropped: 2, launched: 5, liveSum: 0, liveSamples: 0 });
    const b = part({ users: 100, ok: 4, dropped: 1, launched: 6 });
    const open = mergeSeconds([a, b], 'open');
    expect(open).toMatchObject({ users: 100, ok: 7, dropped: 3, launched: 11 });
    expect(open.raw.totalCount).toBe(2);
    expect(open.sent!.totalCount).toBe(2);
    const closed = mergeSeconds([part({ users: 3, liveSum: 30, liveSamples: 10 }), part({ users: 2, liveSum: 8, liveSamples: 4 })], 'closed');
    expect(closed.users).toBe(5);
    expect(closed.liveSum / closed.liveSamples).toBe(5);
  });

  it('adds each share\'s histograms once: spent parts are summed in place (N − 1 adds), then once into the recorder', () => {
    // Three threads' shares of second 0, each with a raw, a corrected and a sent histogram.
    const share = (k: number): SecondPart => {
      const h = () => { const x = newLatencyHistogram(); for (let i = 1; i <= 50; i++) x.recordValue(i * 100 * (k + 1)); return x; };
      return { ...mergeSeconds([], 'open'), t: 0, ok: 50, raw: h(), corrected: h(), sent: h() };
    };
    const wire = [0, 1, 2].map((k) => toWire(share(k)));
    const recorder = () => new Recorder({ ...opts({ latencyBasis: 'intended', expectedIntervalUs: null }) });
    const proto = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf(newLatencyHistogram()))) as { add(): void };
    const add = vi.spyOn(proto, 'add');
    const adds = (fn: () => void) => { add.mockClear(); fn(); return add.mock.calls.length; };
    try {
      // The pure merge sums into new histograms (3 × 3 adds) and leaves its parts as they were; spent, 3 × 2.
      const copies = wire.map(fromWire);
      expect(adds(() => mergeSeconds(copies, 'open'))).toBe(9);
      expect(copies.map((c) => encodeHistogram(c.raw))).toEqual(wire.map((w) => w.raw));
      expect(adds(() => mergeSeconds(wire.map(fromWire), 'open', true))).toBe(6);

      // The merger against the old way (a new sum, then the recorder): one add fewer per histogram, the same result.
      const before = recorder();
      const old = adds(() => { before.absorb(mergeSeconds(wire.map(fromWire), 'open')); before.advance(1); });
      const now = recorder();
      const merger = new SecondsMerger(now, 3, 'open');
      expect(adds(() => wire.forEach((w, k) => merger.add(k, fromWire(w))))).toBe(old - 3);
      add.mockRestore();
      const [a, b] = [now.finish(), before.finish()];
      expect(a.rows).toEqual(b.rows);
      expect(a.stages).toEqual(b.stages);
      expect(a.histograms).toEqual(b.histograms);
      expect(decodeHistogram(a.histograms.run).totalCount).toBe(150);
    } finally {
      add.mockRestore();
    }
  });

  it('waits for every thread\'s share of a second before closing it, and not for a thread that has ended', () => {
    const rows: number[] = [];
    const m = new Recorder({ ...opts({ expectedIntervalUs: null }), onInterval: (r) => rows.push(r.rps) });
    const merger = new SecondsMerger(m, 2, 'closed');
    const second = (t: number, ok: number): SecondPart => ({ ...mergeSeconds([], 'closed'), t, ok });
    merger.add(0, second(0, 3));
    expect(rows).toEqual([]);
    merger.add(1, second(0, 4));
    expect(rows).toEqual([7]);
    merger.add(0, second(1, 1));
    merger.end(1);
    expect(rows).toEqual([7, 1]);
  });

  it('open model: a merged second\'s drops are the sum of the threads\' shares, by cause, through the wire format', () => {
    const open = (over: Partial<RecorderOptions> = {}) => opts({ latencyBasis: 'intended', expectedIntervalUs: null, ...over });
    // Drops per thread: [t, cause, n]; thread 1 falls behind in second 2, thread 0 meets the cap in 1 and 2.
    const drops: [t: number, cause: 'cap' | 'late', n: number][][] = [
      [[1.2, 'cap', 4], [2.1, 'cap', 2], [2.5, 'late', 1]],
      [[0.5, 'late', 3], [2.3, 'late', 7], [4.9, 'cap', 1]],
    ];
    const whole = new Recorder(open());
    for (const [t, cause, n] of drops.flat().sort((a, b) => a[0] - b[0])) whole.dropped(t, cause, n);
    const expected = whole.finish().rows;

    const merged = new Recorder(open());
    const merger = new SecondsMerger(merged, 2, 'open');
    for (const k of [0, 1]) {
      // As a thread posts it: encoded, then structured-cloned across the thread boundary.
      const r = new Recorder(open({ onSecond: (p) => merger.add(k, fromWire(structuredClone(toWire(p)))) }));
      for (const [t, cause, n] of drops[k]!) r.dropped(t, cause, n);
      r.finish();
      merger.end(k);
    }
    const got = merged.finish().rows;
    expect(got.map((r) => [r.dropped, r.droppedLate])).toEqual([[3, 3], [4, 0], [10, 8], [0, 0], [1, 0], [0, 0]]);
    expect(got).toEqual(expected);
    expect(mergeSeconds([{ ...mergeSeconds([], 'open'), dropped: 5, droppedLate: 2 }, { ...mergeSeconds([], 'open'), dropped: 4, droppedLate: 4 }], 'open')).toMatchObject({ dropped: 9, droppedLate: 6 });
  });
});
