import { describe, expect, it } from 'vitest';
import { seriesCsv } from '../../../harness/results/write.ts';
import type { IntervalRow } from '../../../harness/results/format.ts';

const row = (t: number, over: Partial<IntervalRow> = {}): IntervalRow => ({
  t, stage: 0, users: 100, requests: 90, rps: 90, errors: { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 }, errorsTotal: 0,
  dropped: 0, p50: 1, p90: 2, p95: 3, p99: 4, max: 5, ...over,
});

describe('series.csv', () => {
  it('keeps its columns in place and appends dropped_late: the count where recorded, empty where not (closed model, older rows)', () => {
    const lines = seriesCsv([row(0, { dropped: 10, droppedLate: 3 }), row(1, { dropped: 10 })]).trim().split('\n').map((l) => l.split(','));
    const head = lines[0]!;
    expect(head.slice(0, 11)).toEqual(['t', 'stage', 'users', 'requests', 'rps', 'errors_refused', 'errors_reset', 'errors_timeout', 'errors_http', 'errors_other', 'errors_total']);
    expect(head.slice(11)).toEqual(['dropped', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'max_ms', 'dropped_late']);
    const col = (name: string) => lines.slice(1).map((l) => l[head.indexOf(name)]);
    expect(col('dropped')).toEqual(['10', '10']);
    expect(col('dropped_late')).toEqual(['3', '']);
  });
});
