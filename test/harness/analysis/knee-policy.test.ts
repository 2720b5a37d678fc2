import { describe, expect, it } from 'vitest';
import { holdToCap, KNEE_POLICY, kneeBracket, kneeFound, kneeOwnerWords, limitWords, maxSustainable, nextKneeRate, PROBE_EXTENSIONS, probedPolicy, rowFound, searchTop, STEP_IN_FLIGHT_S, stepInFlight, stepLimit, stepPlan, type KneeDecision, type KneePolicy, type KneeTry } from '../../../harness/analysis/knee-policy.ts';
import type { KneeStepLoad } from '../../../harness/results/format.ts';

/** Run the policy against a server whose true knee is `knee`: every rate ≤ knee holds. */
function search(knee: number, policy: KneePolicy = KNEE_POLICY): { rates: number[]; end: KneeDecision; answer: number | null; found: ReturnType<typeof kneeFound> } {
  const history: KneeTry[] = [];
  for (let i = 0; i < 100; i++) {
    const d = nextKneeRate(history, policy);
    if ('done' in d) return { rates: history.map((h) => h.rate), end: d, answer: maxSustainable(history), found: kneeFound(history) };
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

describe('stepInFlight', () => {
  it('holds 100 ms of a fast step\'s arrivals, keeps 256 for slow ones, and stays within the connection budget', () => {
    expect(STEP_IN_FLIGHT_S).toBe(0.1);
    expect(stepInFlight(17)).toBe(256);
    expect(stepInFlight(21_344)).toBe(2135);
    expect(stepInFlight(50_000)).toBe(5000);
    expect(stepInFlight(50_000, 4000)).toBe(4000);
    expect(stepInFlight(17, 100)).toBe(100);
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

  it('stays within the most an open profile may schedule, and a target that holds it ends at max-rate', () => {
    const p = probedPolicy(53_612.6, KNEE_POLICY, 50_000);
    expect(p).toMatchObject({ startRps: 13_403.2, maxRps: 50_000 });
    expect(probedPolicy(250_000, KNEE_POLICY, 50_000)).toMatchObject({ startRps: 50_000, maxRps: 50_000 });
    const r = search(Infinity, p);
    expect(r.rates).toEqual([13_403.2, 26_806.4, 50_000]);
    expect(r.end).toEqual({ done: 'max-rate' });
  });
});

describe('a probe that read low (every step up to twice it held)', () => {
  it('doubles on past twice the probe and brackets the knee instead of ending at the range\'s top', () => {
    // The probe read a third of the knee (it read 17,748 – 55,393 req/s on one target, 2026-11-29).
    const policy = probedPolicy(10_000, KNEE_POLICY, 100_000);
    expect(policy).toMatchObject({ maxRps: 20_000, extensions: PROBE_EXTENSIONS, ceilingRps: 100_000 });
    const r = search(30_000, policy);
    expect(r.rates).toEqual([2500, 5000, 10_000, 20_000, 40_000, 30_000, 35_000, 32_500, 31_250]);
    expect(r.end).toEqual({ done: 'bracketed' });
    expect(r.found).toBe('knee');
    expect(r.answer).toBe(30_000);
  });

  it('doubles at most PROBE_EXTENSIONS times, never past the ceiling, and then calls the answer a lower bound', () => {
    const open = search(Infinity, probedPolicy(10_000));
    expect(open.rates).toEqual([2500, 5000, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(searchTop(probedPolicy(10_000))).toBe(160_000);
    expect(open.end).toEqual({ done: 'max-rate' });
    expect(open.found).toBe('lower-bound');
    const capped = search(Infinity, probedPolicy(10_000, KNEE_POLICY, 100_000));
    expect(capped.rates).toEqual([2500, 5000, 10_000, 20_000, 40_000, 80_000, 100_000]);
    expect(searchTop(probedPolicy(10_000, KNEE_POLICY, 100_000))).toBe(100_000);
    expect(capped.end).toEqual({ done: 'max-rate' });
    expect(capped.answer).toBe(100_000);
    expect(capped.found).toBe('lower-bound');
  });

  it('always ends within maxSteps and the ceiling, whatever the probe read and wherever the knee is', () => {
    for (const probe of [1, 8, 500, 9_000, 17_748, 36_579, 55_393, 99_999, 250_000]) {
      for (const knee of [0, 3, 70, 5_000, 30_000, 45_000, 99_000, Infinity]) {
        const r = search(knee, probedPolicy(probe, KNEE_POLICY, 100_000));
        expect(r.rates.length).toBeLessThanOrEqual(KNEE_POLICY.maxSteps);
        expect(Math.max(...r.rates)).toBeLessThanOrEqual(100_000);
        if (r.answer !== null) expect(r.answer).toBeLessThanOrEqual(knee);
        expect(r.found).toBe(r.answer === null ? 'none' : r.rates.some((x) => x > knee) ? 'knee' : 'lower-bound');
      }
    }
  });

  it('a knee up to 16× a low probe is still bracketed within the step cap', () => {
    const r = search(150_000, probedPolicy(10_000));
    expect(r.end).toEqual({ done: 'bracketed' });
    expect(r.rates.length).toBeLessThanOrEqual(KNEE_POLICY.maxSteps);
    expect(r.answer!).toBeGreaterThan(150_000 * 0.9);
  });

  it('leaves the search without a probe as it was: no extension past maxRps', () => {
    expect(searchTop(KNEE_POLICY)).toBe(KNEE_POLICY.maxRps);
    expect(nextKneeRate([{ rate: 1000, ok: true }, { rate: 2000, ok: true }], { ...KNEE_POLICY, ceilingRps: 100_000 })).toEqual({ done: 'max-rate' });
  });
});

describe('kneeFound / rowFound', () => {
  it('says whether the answer is a knee, a lower bound or nothing', () => {
    expect(kneeFound([{ rate: 10, ok: true }, { rate: 20, ok: false }])).toBe('knee');
    expect(kneeFound([{ rate: 10, ok: true }, { rate: 20, ok: true }])).toBe('lower-bound');
    expect(kneeFound([{ rate: 10, ok: false }])).toBe('none');
    expect(kneeFound([])).toBe('none');
    // A row that says it wins; an older row without the field derives it from its steps.
    expect(rowFound({ found: 'knee', steps: [] })).toBe('knee');
    expect(rowFound({ steps: [{ rate: 10, ok: true }] as never })).toBe('lower-bound');
  });
});

describe('stepLimit: which side limited a step that did not hold', () => {
  const load = (x: Partial<KneeStepLoad>): KneeStepLoad => ({ genCpuPct: 40, genElu: 0.4, serverCpuPct: 50, serverProcesses: 1, cores: 2, machineCpuPct: 100, droppedAtCap: 0, droppedLate: 0, maxLagMs: 1, ...x });

  it('the generator, when its CPU or event loop was saturated, whatever the server did', () => {
    expect(stepLimit(load({ genCpuPct: 95, serverCpuPct: 99 }), 100_000).by).toBe('generator');
    const l = stepLimit(load({ genElu: 0.93 }), 100_000);
    expect(l.by).toBe('generator');
    expect(l.reason).toContain('event loop 93% busy');
    expect(limitWords(l)).toBe('the generator, not the server, was the limit');
    expect(kneeOwnerWords(l)).toBe('the knee is not the server\'s own');
    expect(kneeOwnerWords({ by: 'unclear', reason: '' })).toBe('the knee may not be the server\'s own');
    expect(kneeOwnerWords({ by: 'server', reason: '' })).toBe('');
  });

  it('the generator, when ≥ 1 % of the arrivals were dropped because it reached them late', () => {
    expect(stepLimit(load({ droppedLate: 1000 }), 100_000).by).toBe('generator');
    // Under 1 %: not the generator's limit, but not clear slack either.
    expect(stepLimit(load({ droppedLate: 999 }), 100_000).by).toBe('unclear');
    // …unless the machine's cores were full: a generator short of its own limit was kept from the
    // CPU (measured 2026-11-29, 16,945 req/s: generator 46 %, server 62 %, machine 190 %).
    const full = stepLimit(load({ genCpuPct: 46, genElu: 0.39, serverCpuPct: 62, machineCpuPct: 190, droppedLate: 1295, droppedAtCap: 1770 }), 118_618);
    expect(full.by).toBe('machine');
    expect(full.reason).toContain('1295 arrivals dropped late by the generator');
  });

  it('the server, when its processes used their cores (one per process, at most the machine\'s)', () => {
    expect(stepLimit(load({ serverCpuPct: 92, genCpuPct: 80, genElu: 0.7 }), 100_000).by).toBe('server');
    // Four workers on two cores: at most 200 %, so 150 % is not yet the server's limit…
    expect(stepLimit(load({ serverCpuPct: 150, serverProcesses: 4, genCpuPct: 20, genElu: 0.2 }), 100_000).by).toBe('server');
    expect(stepLimit(load({ serverCpuPct: 150, serverProcesses: 4, genCpuPct: 20, genElu: 0.2 }), 100_000).reason).toContain('slack');
    // …and 185 % is.
    expect(stepLimit(load({ serverCpuPct: 185, serverProcesses: 4 }), 100_000).reason).toContain('its 2 cores');
  });

  it('the machine, when neither side was at its limit but together they filled the shared cores', () => {
    const l = stepLimit(load({ genCpuPct: 75, genElu: 0.8, serverCpuPct: 85, machineCpuPct: 190 }), 100_000);
    expect(l.by).toBe('machine');
    expect(l.reason).toContain('cores were 95% busy (generator 75% + server 85% + the rest, the kernel\'s loopback work and other processes, 30% of 200%)');
    expect(stepLimit(load({ genCpuPct: 75, genElu: 0.8, serverCpuPct: 85, machineCpuPct: 170 }), 100_000).by).toBe('unclear');
  });

  it('the server when the generator had clear slack (a server limited by its concurrency, not its CPU); else unclear', () => {
    expect(stepLimit(load({ genCpuPct: 3, genElu: 0.05, serverCpuPct: 4 }), 20).by).toBe('server');
    expect(stepLimit(load({ genCpuPct: 70, genElu: 0.6, serverCpuPct: 60 }), 100_000).by).toBe('unclear');
    // Nothing read: nothing claimed.
    expect(stepLimit(load({ genCpuPct: null, genElu: null, serverCpuPct: null, machineCpuPct: null }), 100_000).by).toBe('unclear');
  });

  it('names the kernel\'s softirq and the hypervisor\'s steal beside the machine\'s CPU when they were read', () => {
    const l = stepLimit(load({ genCpuPct: 70, genElu: 0.6, serverCpuPct: 60, machineCpuPct: 160, softirqPct: 31.6, stealPct: 2.2 }), 100_000);
    expect(l.by).toBe('unclear');
    expect(l.reason).toContain('machine 160% of 200% (softirq 32%, steal 2%)');
    // An older knee.json has neither: the text is as it was.
    expect(stepLimit(load({ machineCpuPct: 160 }), 100_000).reason).toContain('machine 160% of 200%;');
  });
});
