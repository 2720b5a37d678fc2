import { describe, expect, it } from 'vitest';
import { theoreticalRps } from '../../../harness/modes/capacity.ts';
import { formatCapacity, formatKnee } from '../../../harness/cli/mode-tables.ts';
import type { CapacityRow, KneeRow } from '../../../harness/results/format.ts';

describe('theoreticalRps', () => {
  it('is concurrency ÷ the 55 ms mean service time for block work', () => {
    expect(theoreticalRps(1, 'block')).toBe(18.2);
    expect(theoreticalRps(4, 'block')).toBe(72.7);
    expect(theoreticalRps(8, 'block')).toBe(145.5);
  });

  it('is null where the bound does not hold: sleep overlaps waits, cpu is bound by cores', () => {
    expect(theoreticalRps(1, 'sleep')).toBeNull();
    expect(theoreticalRps(4, 'cpu')).toBeNull();
  });
});

describe('mode tables', () => {
  const cap: CapacityRow = {
    name: 'express-dev', concurrency: 1, work: 'block', connections: 16, seconds: 10, rps: 17.6, p50: 769, p95: 1700, p99: 6400,
    errors: 0, timeouts: 0, theoreticalRps: 18.2, state: 'ok', error: null,
  };

  it('shows measured capacity next to the theory, as a share of it', () => {
    const text = formatCapacity([cap, { ...cap, name: 'dead', rps: null, p50: null, p95: null, p99: null, state: 'failed', error: 'target dead exited' }]);
    expect(text).toMatch(/express-dev\s+1\s+16\s+17\.6\s+18\.2\s+97%\s+769 ms\s+1\.7 s\s+6\.4 s\s+0\s+0/);
    expect(text).toMatch(/dead \(failed\)\s+1\s+16\s+—\s+18\.2\s+—/);
    expect(text).toContain('  dead: target dead exited');
  });

  it('shows the knee and the steps that found it', () => {
    const knee: KneeRow = {
      name: 'express-dev', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 5, maxSustainableRps: 16.3, stoppedBy: 'bracketed', theoreticalRps: 18.2,
      steps: [{ rate: 10, p95: 100, achievedRps: 10, dropped: 0, errors: 0, ok: true }, { rate: 20, p95: 1000, achievedRps: 17, dropped: 0, errors: 0, ok: false }],
      state: 'ok', error: null,
    };
    const text = formatKnee([knee, { ...knee, name: 'slow', maxSustainableRps: null, steps: [{ ...knee.steps[1]!, rate: 1.3 }] }]);
    expect(text).toMatch(/express-dev\s+1\s+16\.3\s+18\.2\s+500 ms\s+2\s+bracketed/);
    expect(text).toMatch(/slow\s+1\s+< 1\.3/);
    expect(text).toContain('  express-dev: 10✓ 20✗');
  });
});
