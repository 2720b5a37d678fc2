import { describe, expect, it } from 'vitest';
import { ChartDelta, type SentCharts } from '../../../harness/live/chart-delta.ts';

const chart = (id: string, points: number) => ({ id, json: JSON.stringify({ id, title: id, caption: '', spec: { data: { values: Array.from({ length: points }, (_, t) => ({ t })) } } }) });
const ids = (json: string) => (JSON.parse(json) as { id: string }[]).map((c) => c.id);

describe('the live charts, sent to each page only when they changed', () => {
  it('a page gets every chart first, then only the charts rebuilt differently, once each', () => {
    const delta = new ChartDelta();
    const early: SentCharts = new Map();
    expect(delta.unsent(early)).toBe('[]'); // nothing built yet
    expect(delta.update([chart('latency', 1), chart('load', 1)])).toBe(true);
    expect(ids(delta.unsent(early))).toEqual(['latency', 'load']);
    expect(delta.unsent(early)).toBe('[]'); // the next second: figures only

    // A build where only the latency chart gained a point: only it is sent again.
    expect(delta.update([chart('latency', 2), chart('load', 1)])).toBe(true);
    expect(ids(delta.unsent(early))).toEqual(['latency']);
    expect(delta.update([chart('latency', 2), chart('load', 1)])).toBe(false);
    expect(delta.unsent(early)).toBe('[]');

    // A page opened late (or reconnected) starts with every chart, as built now.
    const late: SentCharts = new Map();
    const first = JSON.parse(delta.unsent(late)) as { id: string; spec: { data: { values: unknown[] } } }[];
    expect(first.map((c) => [c.id, c.spec.data.values.length])).toEqual([['latency', 2], ['load', 1]]);
    expect(delta.unsent(late)).toBe('[]');
  });
});
