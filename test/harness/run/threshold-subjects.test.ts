import { describe, expect, it } from 'vitest';
import { ThresholdBook } from '../../../harness/run/threshold-subjects.ts';
import { Recorder } from '../../../harness/record/recorder.ts';
import { closedProfileSchema, openProfileSchema } from '../../../profiles/lib/define.ts';
import type { TargetEntry } from '../../../harness/results/format.ts';

const closed = closedProfileSchema.parse({
  name: 'c', duration: 8, wait: { kind: 'constant', seconds: 0.05 },
  stages: [{ at: 0, users: 2, spawnRate: 100 }, { at: 4, users: 10, spawnRate: 100, name: 'peak' }],
});
const windows = [{ index: 0, at: 0, end: 4, steadyFrom: 1, users: 2 }, { index: 1, at: 4, end: 8, steadyFrom: 5, users: 10 }];

/** Second t: 10 responses of `ms` each (stage 2: twice as slow); one timeout in second 6. */
function result(ms: number) {
  const r = new Recorder({ windows, duration: 8, expectedIntervalUs: null });
  for (let t = 0; t < 8; t++) {
    r.users(t, t < 4 ? 2 : 10);
    for (let i = 0; i < 10; i++) r.ok(t + i / 20, (t < 4 ? ms : 2 * ms) * 1000);
    if (t === 6) r.error(6.5, 'timeout', 'x');
  }
  return r.finish();
}

const entry = (over: Partial<TargetEntry> = {}): TargetEntry => ({
  name: 'express-dev', description: '', concurrency: 1, size: 0, state: 'ok', error: null, dir: 'express-dev',
  correction: { expectedIntervalMs: 105, serviceMs: 55, source: 'service-time' }, ...over,
});

describe('ThresholdBook: what the thresholds judge', () => {
  it('closed model: stage and run figures, offered = users ÷ (think + service)', () => {
    const book = new ThresholdBook(closed);
    book.add(0, entry(), result(20));
    const [s] = book.subjects();
    expect(s).toMatchObject({ target: 'express-dev', state: 'ok' });
    expect(s!.stages.map((x) => [x.index, x.name, x.p95, x.offered])).toEqual([[0, undefined, 20.02, 19.05], [1, 'peak', 40.03, 95.24]]);
    // 80 responses + 1 timeout over 8 recorded seconds.
    expect(s!.run).toMatchObject({ p50: 20.02, p90: 40.03, rps: 10, errors: 1.23 });
    // Users per second: 2,2,2,2,10,10,10,10 → mean 6 users ÷ 0.105 s.
    expect(s!.run.offered).toBeCloseTo(57.14, 1);
  });

  it('without a known service time (a --url server whose warm-up got no answer) offered is unknown', () => {
    const book = new ThresholdBook(closed);
    book.add(0, entry({ correction: { expectedIntervalMs: null, serviceMs: null, source: 'none' } }), result(20));
    const [s] = book.subjects();
    expect(s!.run.offered).toBeNull();
    expect(s!.stages.map((x) => x.offered)).toEqual([null, null]);
  });

  it('open model: offered is the scheduled arrival rate', () => {
    const open = openProfileSchema.parse({ name: 'o', model: 'open', duration: 8, stages: [{ at: 0, rate: 5 }, { at: 4, rate: 20 }] });
    const res = result(20);
    res.stages.forEach((st, i) => { st.offered = [5, 20][i]; });
    const book = new ThresholdBook(open);
    book.add(0, entry({ correction: undefined }), res);
    expect(book.subjects()[0]!.stages.map((x) => x.offered)).toEqual([5, 20]);
  });

  it('repeats: medians of the counted repeats; a failed repeat does not count while another finished', () => {
    const book = new ThresholdBook(closed);
    book.add(0, entry({ repeat: 1 }), result(10));
    book.add(1, entry({ name: 'other' }), result(99));
    book.add(0, entry({ repeat: 2 }), result(30));
    book.add(0, entry({ repeat: 3, state: 'failed' }), result(500));
    book.add(0, entry({ repeat: 4 }), result(20));
    const [s, other] = book.subjects();
    expect(s!.state).toBe('failed');
    expect(s!.stages.map((x) => x.p95)).toEqual([20.02, 40.03]);
    expect(s!.run.p50).toBe(20.02);
    expect(other!.target).toBe('other');
  });

  it('a skipped target is skipped', () => {
    const book = new ThresholdBook(closed);
    book.add(0, entry({ state: 'skipped' }), null);
    expect(book.subjects()[0]).toMatchObject({ state: 'skipped', stages: [], run: { p95: null } });
  });
});
