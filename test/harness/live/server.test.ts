import { describe, expect, it } from 'vitest';
import { chartIntervalMs } from '../../../harness/live/server.ts';

describe('how often the live charts are rebuilt', () => {
  it('every second while a build takes up to 10 ms, then about 100 builds\' time apart (1% of the generator), at most 30 s', () => {
    expect(chartIntervalMs(0.5)).toBe(1000);
    expect(chartIntervalMs(10)).toBe(1000);
    expect(chartIntervalMs(10.5)).toBe(2000);
    expect(chartIntervalMs(38)).toBe(4000);
    expect(chartIntervalMs(95)).toBe(10_000);
    expect(chartIntervalMs(1000)).toBe(30_000);
  });
});
