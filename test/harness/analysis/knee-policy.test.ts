import { describe, expect, it } from 'vitest';
import { holdToCap, KNEE_POLICY, kneeBracket, maxSustainable, nextKneeRate, probedPolicy, stepPlan, type KneeDecision, type KneePolicy, type KneeTry } from '../../../harness/analysis/knee-policy.ts';

/** Run the policy against a server whose true knee is `knee`: every rate ≤ knee holds. */
function search(knee: number, policy: KneePolicy = KNEE_POLICY): { rates: number[]; end: KneeDecision; answer: number | null } {
  const history: KneeTry[] = [];
  for (let i = 0; i < 100; i++) {
    const d = nextKneeRate(history, policy);
    if ('done' in d) return { rates: history.map((h) => h.rate), end: d, answer: maxSustainable(history) };
    history.push({ rate: d.next, ok: d.next <= knee });
  }
  throw new Error('policy did not stop');
}

describe('nextKneeRate', () => {
  it('starts low, doubles until a step breaks, then bisects four times', () => {
    const r = search(17);
    expect(r.rates).toEqual([5, 10, 20, 15, 17.5, 16.3, 16.9]);
    expect(r.end).toEqual({ done: 'bracketed' });
    expect(r.answer).toBe(16.9);
  });

  it('finds a worker-pool-sized knee within the step cap', () => {
    const r = search(70);
    expect(r.rates).toEqual([5, 10, 20, 40, 80, 60, 70, 75, 72.5]);
    expect(r.answer).toBe(70);
  });

  it('stops bisecting once the bracket is within the resolution', () => {
    const r = search(17, { ...KNEE_POLICY, bisections: 10, resolution: 0.1 });
    // 16.3 held, 17.5 broke: 17.5 ≤ 16.3 × 1.1, close enough.
    expect(r.rates).toEqual([5, 10, 20, 15, 17.5, 16.3]);
    expect(r.end).toEqual({ done: 'bracketed' });
  });

  it('halves when even the first rate breaks, and gives up below the minimum', () => {
    expect(search(3).rates).toEqual([5, 2.5, 3.8, 3.2, 2.9, 3.1]);
    expect(search(3).answer).toBe(2.9);
    const dead = search(0);
    expect(dead.rates).toEqual([5, 2.5, 1.3]);
    expect(dead.end).toEqual({ done: 'min-rate' });
    expect(dead.answer).toBeNull();
  });

  it('stops at the maximum rate when nothing breaks', () => {
    const r = search(Infinity, { ...KNEE_POLICY, maxRps: 30 });
    expect(r.rates).toEqual([5, 10, 20, 30]);
    expect(r.end).toEqual({ done: 'max-rate' });
    expect(r.answer).toBe(30);
  });

  it('never takes more than maxSteps steps', () => {
    const r = search(Infinity, { ...KNEE_POLICY, maxSteps: 4 });
    expect(r.rates).toHaveLength(4);
    expect(r.end).toEqual({ done: 'max-steps' });
  });

  it('ignores a noisy pass above a rate that broke', () => {
    const history: KneeTry[] = [{ rate: 5, ok: true }, { rate: 10, ok: true }, { rate: 20, ok: false }, { rate: 15, ok: false }, { rate: 17.5, ok: true }];
    expect(kneeBracket(history)).toEqual({ lo: 10, hi: 15 });
    expect(maxSustainable(history)).toBe(10);
    expect(nextKneeRate(history)).toEqual({ next: 12.5 });
  });
});

describe('stepPlan', () => {
  it('holds a step long enough for a rate 7% over capacity to pass the SLO by queueing alone', () => {
    // 7% over capacity adds 0.07 s of wait per second held: 500 ms after 7.1 s.
    expect(stepPlan(500)).toEqual({ seconds: 8, capSeconds: 16 });
    expect(stepPlan(300)).toEqual({ seconds: 6, capSeconds: 12 });
  });

  it('keeps the derived length within its bounds, and lets an explicit length win', () => {
    expect(stepPlan(50).seconds).toBe(KNEE_POLICY.minStepSeconds);
    expect(stepPlan(5000).seconds).toBe(KNEE_POLICY.maxStepSeconds);
    expect(stepPlan(500, KNEE_POLICY, 4)).toEqual({ seconds: 4, capSeconds: 8 });
  });
});

describe('holdToCap', () => {
  it('holds steps near the lowest rate that broke to their cap, and no others', () => {
    const history: KneeTry[] = [{ rate: 5, ok: true }, { rate: 10, ok: true }, { rate: 20, ok: false }];
    expect(holdToCap([{ rate: 5, ok: true }], 10)).toBe(false);
    expect(holdToCap(history, 15)).toBe(false);
    expect(holdToCap(history, 17.5)).toBe(true);
    expect(holdToCap([...history, { rate: 17.5, ok: false }], 16.3)).toBe(true);
  });
});

describe('probedPolicy', () => {
  it('cannot reach a fast knee without a probe: the default search ends at its 2000 req/s cap', () => {
    const r = search(30_000);
    expect(r.end).toEqual({ done: 'max-rate' });
    expect(r.answer).toBe(2000);
  });

  it('brackets a fast knee within the step cap when aimed by the probe, below or above the probe', () => {
    for (const [knee, probe] of [[30_000, 40_000], [30_000, 20_000], [44_000, 44_000]]) {
      const policy = probedPolicy(probe!);
      expect(policy).toMatchObject({ startRps: probe! / 4, maxRps: probe! * 2, maxSteps: KNEE_POLICY.maxSteps });
      const r = search(knee!, policy);
      expect(r.end).toEqual({ done: 'bracketed' });
      expect(r.rates.length).toBeLessThanOrEqual(KNEE_POLICY.maxSteps);
      expect(r.answer!).toBeLessThanOrEqual(knee!);
      expect(r.answer!).toBeGreaterThan(knee! * 0.9);
    }
  });

  it('only widens the default bounds, and ignores a probe that measured nothing', () => {
    expect(probedPolicy(8)).toMatchObject({ startRps: KNEE_POLICY.startRps, maxRps: KNEE_POLICY.maxRps });
    for (const bad of [null, 0, -1, Number.NaN]) expect(probedPolicy(bad)).toBe(KNEE_POLICY);
  });
});
