import { describe, expect, it } from 'vitest';
import { theoreticalRps as labTheory } from '../../../harness/modes/capacity.ts';
import { peakOfferedLoad, theoreticalRps, theoryRule } from '../../../harness/analysis/capacity-theory.ts';
import type { RunData } from '../../../harness/results/run-data.ts';
import { formatCapacity, formatKnee } from '../../../harness/cli/mode-tables.ts';
import type { CapacityRow, KneeRow } from '../../../harness/results/format.ts';

const theory = (work: string, concurrency: number, cores = 2, meanServiceMs: number | null = 55) => theoreticalRps({ work, concurrency, cores, meanServiceMs });

describe('theoreticalRps: the one capacity theory', () => {
  it('block: concurrency ÷ mean service time, whatever the cores', () => {
    expect(theory('block', 1)).toBeCloseTo(18.18, 2);
    expect(theory('block', 4)).toBeCloseTo(72.73, 2);
    expect(theory('block', 8, 2)).toBeCloseTo(145.45, 2);
    expect(theory('block', 1, 2, 300)).toBeCloseTo(3.33, 2);
  });

  it('cpu: concurrency ÷ mean too, cores or not: the spin lasts its service time on the clock, descheduled or not', () => {
    expect(theory('cpu', 1, 2)).toBeCloseTo(18.18, 2);
    expect(theory('cpu', 4, 2)).toBeCloseTo(72.73, 2);
    expect(theory('cpu', 4, 8)).toBeCloseTo(72.73, 2);
    expect(theory('cpu', 4, 0)).toBeCloseTo(72.73, 2);
  });

  it('none where no bound holds: sleep overlaps the waits; unknown concurrency or service time', () => {
    expect(theory('sleep', 1)).toBeNull();
    expect(theory('block', 0)).toBeNull();
    expect(theory('block', 4, 2, null)).toBeNull();
    expect(theory('nonsense', 4)).toBeNull();
  });

  it('is what the capacity and knee modes store (0.1 req/s), cpu included: terminal and report agree', () => {
    for (const [work, c, cores] of [['block', 1, 2], ['block', 4, 2], ['cpu', 4, 2], ['cpu', 1, 8], ['sleep', 4, 2]] as const) {
      const exact = theory(work, c, cores);
      expect(labTheory(c, work, cores)).toBe(exact === null ? null : Math.round(exact * 10) / 10);
    }
    expect(labTheory(4, 'cpu', 2)).toBe(72.7);
  });

  it('names its rule for headings', () => {
    expect(theoryRule('block', 55)).toBe('concurrency ÷ 55 ms mean service time');
    expect(theoryRule('cpu', 55)).toBe('concurrency ÷ 55 ms mean service time');
    expect(theoryRule('sleep', 55)).toMatch(/^none/);
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

  it('shows the knee as a bracket beside theory, and every step with why it held or broke', () => {
    const evidence = { state: 'broken' as const, reason: 'backlog grew by 12 requests (noise allows 3)', backlog: [1, 5, 13], judgedFrom: 1, backlogGrowth: 12, backlogAllowance: 3, p95FirstHalf: 300, p95SecondHalf: 900, p95SlopeMsPerS: 80, servedRatio: 0.9, failShare: 0 };
    const knee: KneeRow = {
      name: 'express-dev', concurrency: 1, work: 'block', sloMs: 500, stepSeconds: 10, stepCapSeconds: 20, maxSustainableRps: 16.3, lowestBrokenRps: 17.5, stoppedBy: 'bracketed', theoreticalRps: 18.2,
      steps: [
        { rate: 16.3, p95: 100, achievedRps: 16.3, dropped: 0, errors: 0, ok: true, seconds: 10, evidence: { ...evidence, state: 'steady', reason: 'steady: backlog +0.5 (allows 3)' } },
        { rate: 17.5, p95: 1000, achievedRps: 17, dropped: 0, errors: 0, ok: false, seconds: 6, evidence },
      ],
      state: 'ok', error: null,
    };
    const text = formatKnee([knee, { ...knee, name: 'slow', maxSustainableRps: null, lowestBrokenRps: 1.3, steps: [{ ...knee.steps[1]!, rate: 1.3 }] }]);
    expect(text).toMatch(/express-dev\s+1\s+16\.3 – 17\.5\s+16\.3\s+18\.2\s+90%\s+500 ms\s+2\s+bracketed/);
    expect(text).toMatch(/slow\s+1\s+< 1\.3 – 1\.3/);
    expect(text).toContain('    ✓   16.3 req/s 10 s: steady: backlog +0.5 (allows 3)');
    expect(text).toContain('    ✗   17.5 req/s  6 s: backlog grew by 12 requests (noise allows 3)');
    const unsettled = formatKnee([{ ...knee, steps: [{ ...knee.steps[1]!, seconds: 20, evidence: { ...evidence, state: 'unsettled' } }] }]);
    expect(unsettled).toContain('    ✗   17.5 req/s 20 s: unsettled at its cap: backlog grew by 12 requests (noise allows 3)');
  });
});

describe('peakOfferedLoad: what the run offered at its peak', () => {
  // Only the fields peakOfferedLoad reads; the rest of RunData does not matter to it.
  const run = (model: 'closed' | 'open', targets: [string, number, number[]][]) => ({
    profile: { model },
    targets: targets.map(([name, concurrency, rps]) => ({ entry: { name, concurrency }, stages: rps.map((r, index) => ({ index, rps: r, users: r })) })),
  }) as unknown as RunData;

  it('closed: the highest stage throughput among targets with a known concurrency, not a no-work target that answers at once', () => {
    const r = run('closed', [['express-dev', 1, [6.3, 17.5]], ['fastify-hello', Infinity, [6.9, 52.9]], ['worker-pool', 4, [6.5, 49]]]);
    expect(peakOfferedLoad(r)).toEqual({ rps: 49, target: 'worker-pool', stage: 1, source: 'measured' });
  });

  it('closed: every target when none has a known concurrency (a --url server)', () => {
    expect(peakOfferedLoad(run('closed', [['url', 0, [10, 30]]]))).toEqual({ rps: 30, target: 'url', stage: 1, source: 'measured' });
  });

  it('open: the highest scheduled rate, whatever the targets', () => {
    expect(peakOfferedLoad(run('open', [['fastify-hello', Infinity, [10, 45]], ['express-dev', 1, [10, 20]]]))).toEqual({ rps: 45, target: null, stage: 1, source: 'scheduled' });
  });
});
