import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKnee, stepDone, type KneeIo } from '../../../harness/modes/knee.ts';
import type { KneeRow } from '../../../harness/results/format.ts';
import { fakeKneeServer as fakeServer, fakeTarget as target, row } from '../../fixtures/knee/fake-server.ts';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'knee-test-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const options = (extra: object = {}) => ({ targets: [target('fake')], work: 'block' as const, seed: 1, runDir: dir, signal: new AbortController().signal, ...extra });

describe('runKnee (search loop, injected server and clock)', () => {
  it('with a probe, brackets a fast target\'s knee that the default bounds cannot reach', async () => {
    const plain = (await runKnee(options(), fakeServer(30_000).io))[0]!;
    expect(plain.stoppedBy).toBe('max-rate');
    expect(plain.maxSustainableRps).toBe(2000);
    expect(plain.found).toBe('lower-bound');
    expect(plain).not.toHaveProperty('probeRps');
    const fake = fakeServer(30_000);
    const [r] = await runKnee(options({ probeSeconds: 5 }), fake.io) as [KneeRow];
    expect(r.probeRps).toBe(30_000);
    expect(r.stoppedBy).toBe('bracketed');
    expect(r.steps[0]!.rate).toBe(7500);
    expect(r.maxSustainableRps!).toBeLessThanOrEqual(30_000);
    expect(r.maxSustainableRps!).toBeGreaterThanOrEqual(0.85 * 30_000);
    expect(r.lowestBrokenRps!).toBeGreaterThan(30_000);
    // The probe's seconds count against the per-target time cap like a step's.
    expect(fake.clockMs()).toBeGreaterThanOrEqual(5000 + r.steps.reduce((n, s) => n + s.seconds! * 1000, 0));
  });

  it('with a probe that read low, searches past twice it and brackets the knee; a target that holds every rate is a lower bound', async () => {
    // The probe reads a third of the capacity: every step up to twice it (20,000) holds.
    const lines: string[] = [];
    const [r] = await runKnee(options({ probeSeconds: 5, log: (l: string) => lines.push(l) }), fakeServer(30_000, 100, 10_000).io) as [KneeRow];
    expect(lines.some((l) => l.includes('search from 2500 up to 20000 req/s, on to 100000 while every step holds'))).toBe(true);
    expect(r.probeRps).toBe(10_000);
    expect(r.stoppedBy).toBe('bracketed');
    expect(r.found).toBe('knee');
    expect(r.maxSustainableRps!).toBeLessThanOrEqual(30_000);
    expect(r.maxSustainableRps!).toBeGreaterThanOrEqual(0.85 * 30_000);
    expect(r.lowestBrokenRps!).toBeGreaterThan(30_000);

    // Nothing breaks up to MAX_RATE (100,000 req/s): the row says the figure is a lower bound, not a knee.
    const more: string[] = [];
    const [all] = await runKnee(options({ probeSeconds: 5, log: (l: string) => more.push(l) }), fakeServer(1e9, 100, 10_000).io) as [KneeRow];
    expect(all.steps.map((s) => s.rate)).toEqual([2500, 5000, 10_000, 20_000, 40_000, 80_000, 100_000]);
    expect(all).toMatchObject({ stoppedBy: 'max-rate', found: 'lower-bound', maxSustainableRps: 100_000, lowestBrokenRps: null });
    expect(more.at(-1)).toBe('  fake: no step broke (max-rate): ≥ 100000 req/s is a lower bound, not the knee');
    expect(JSON.parse(await readFile(path.join(dir, 'knee.json'), 'utf8'))[0].found).toBe('lower-bound');
  });

  it('brackets the knee just below capacity, never above, with the evidence of every step', async () => {
    // The search tries 17.5: 3% over this capacity, a queue that grows by half a request a second.
    const fake = fakeServer(17);
    const [r] = await runKnee(options(), fake.io) as [KneeRow];
    expect(r.state).toBe('ok');
    expect(r.stoppedBy).toBe('bracketed');
    expect(r.maxSustainableRps).not.toBeNull();
    expect(r.maxSustainableRps!).toBeLessThanOrEqual(17);
    expect(r.maxSustainableRps!).toBeGreaterThanOrEqual(0.85 * 17);
    expect(r.lowestBrokenRps!).toBeGreaterThan(17);
    expect(r.found).toBe('knee');
    expect(r.theoreticalRps).toBe(18.2);
    for (const s of r.steps) {
      expect(s.ok).toBe(s.rate <= 17);
      expect(s.evidence?.reason).toBeTruthy();
      expect(s.evidence?.backlog).toHaveLength(s.seconds!);
      expect(s.p95PerSecond).toHaveLength(s.seconds!);
    }
    // knee.json holds the same rows.
    expect(JSON.parse(await readFile(path.join(dir, 'knee.json'), 'utf8'))).toEqual([r]);
  });

  it('holds steady steps for the planned length and stops clearly broken ones early', async () => {
    const fake = fakeServer(17.3);
    const [r] = await runKnee(options({ sloMs: 500 }), fake.io) as [KneeRow];
    expect(r.stepSeconds).toBe(8);
    expect(r.stepCapSeconds).toBe(16);
    // Far below the lowest rate that broke, a steady step ends at 8 s; near it (within 15%), only at its cap.
    const lowest = (i: number) => Math.min(...r.steps.slice(0, i).filter((x) => !x.ok).map((x) => x.rate));
    r.steps.forEach((s, i) => {
      if (s.ok) expect(s.seconds, `${s.rate} req/s`).toBe(s.rate >= 0.85 * lowest(i) ? 16 : 8);
      else expect(s.seconds).toBeLessThanOrEqual(16);
    });
    expect(r.steps.filter((s) => s.ok && s.seconds === 16).length).toBeGreaterThan(0);
    // 20 req/s is 16% over: the queue passes the SLO within a few seconds.
    expect(r.steps.find((s) => s.rate === 20)!.seconds).toBeLessThanOrEqual(5);
  });

  it('a rate just over capacity is held past its planned length while unsettled, and does not count as held', async () => {
    // 17.5 against 17: the queue grows by half a request a second (3% short), p95 by 29 ms a second.
    const fake = fakeServer(17);
    const [r] = await runKnee(options({ policy: { startRps: 17.5, minRps: 1, maxRps: 17.5, maxSteps: 1, bisections: 0, resolution: 0.1, overshoot: 0.05, minStepSeconds: 6, maxStepSeconds: 20, nearShare: 0.15 } }), fake.io) as [KneeRow];
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]!.seconds).toBeGreaterThan(8);
    expect(r.steps[0]!.ok).toBe(false);
    expect(r.steps[0]!.evidence!.state).not.toBe('steady');
    expect(r.maxSustainableRps).toBeNull();
    expect(r.lowestBrokenRps).toBe(17.5);
  });

  it('stops at the per-target time cap before starting a step that could overrun it', async () => {
    const fake = fakeServer(70);
    const [r] = await runKnee(options({ targetCapSeconds: 80 }), fake.io) as [KneeRow];
    expect(r.stoppedBy).toBe('time-cap');
    expect(r.state).toBe('ok');
    expect(r.steps.length).toBeGreaterThan(0);
    // No step started unless its worst case (cap + timeout + settling) fitted in the 80 s.
    expect(fake.clockMs()).toBeLessThanOrEqual(80_000);
  });

  it('reports an interrupted search and a target that died', async () => {
    const ac = new AbortController();
    const fake = fakeServer(17.3);
    const io: KneeIo = { ...fake.io, settle: async () => { ac.abort(); } };
    const [r] = await runKnee(options({ signal: ac.signal }), io) as [KneeRow];
    expect(r.stoppedBy).toBe('interrupted');
    expect(r.state).toBe('interrupted');

    const dying = fakeServer(17.3);
    const io2: KneeIo = { ...dying.io, settle: async () => { dying.die(); await new Promise((res) => setImmediate(res)); } };
    const [d] = await runKnee(options(), io2) as [KneeRow];
    expect(d.stoppedBy).toBe('failed');
    expect(d.state).toBe('failed');
    expect(d.steps).toHaveLength(1);
  });

  it('records a target that could not start as failed, and goes on to the next', async () => {
    const fake = fakeServer(17.3);
    const io: KneeIo = { ...fake.io, withTarget: async (o, t, fn) => (t.definition.name === 'broken' ? Promise.reject(new Error('did not start')) : fake.io.withTarget(o, t, fn)) };
    const rows = await runKnee(options({ targets: [target('broken'), target('fake')] }), io);
    expect(rows.map((r) => [r.name, r.state, r.error])).toEqual([['broken', 'failed', 'did not start'], ['fake', 'ok', null]]);
  });
});

describe('stepDone', () => {
  const plan = { seconds: 10, capSeconds: 20 };
  const steady = (n: number) => Array.from({ length: n }, (_, t) => row(t, 10, 10, 100));
  it('ends a steady step at its planned length, not before', () => {
    expect(stepDone(steady(9), plan, 500)).toBe(false);
    expect(stepDone(steady(10), plan, 500)).toBe(true);
  });
  it('ends a step broken at two checks in a row, after a few seconds', () => {
    const broken = Array.from({ length: 5 }, (_, t) => row(t, 20, 10, 900));
    expect(stepDone(broken.slice(0, 4), plan, 500)).toBe(false);
    expect(stepDone(broken, plan, 500)).toBe(true);
  });
  it('does not end a step on one bad second', () => {
    // One second of 2 s latency and a burst of backlog, then back to level: a hiccup.
    const rows = Array.from({ length: 6 }, (_, t) => (t === 5 ? row(t, 20, 4, 2000) : row(t, 20, 20, 100)));
    expect(stepDone(rows, plan, 500)).toBe(false);
  });
});

describe('stepDone with steps shorter than the early-break wait (--knee-step-seconds 2)', () => {
  it('still ends a steady step at its planned length', () => {
    const rows = Array.from({ length: 2 }, (_, t) => row(t, 10, 10, 100));
    expect(stepDone(rows, { seconds: 2, capSeconds: 4 }, 500)).toBe(true);
  });
});

describe('stepDone near capacity (held to its cap)', () => {
  const plan = { seconds: 8, capSeconds: 16 };
  // p95 climbs 50 ms a second from 100 ms: a clear trend for two checks, the SLO not yet passed.
  const climbing = Array.from({ length: 10 }, (_, t) => row(t, 17, 17, 100 + 50 * t));
  it('does not end early on a latency trend alone, which a queue near capacity may reverse', () => {
    expect(stepDone(climbing, plan, 500)).toBe(true);
    expect(stepDone(climbing, plan, 500, true)).toBe(false);
  });
  it('ends early on p95 past the SLO, and never at the planned length when steady', () => {
    const over = Array.from({ length: 6 }, (_, t) => row(t, 17, 17, 900));
    expect(stepDone(over, plan, 500, true)).toBe(true);
    const level = Array.from({ length: 8 }, (_, t) => row(t, 17, 17, 100));
    expect(stepDone(level, plan, 500, true)).toBe(false);
  });
});

describe('stepDone on failures', () => {
  const plan = { seconds: 8, capSeconds: 16 };
  const failing = (r: ReturnType<typeof row>, failed: number) => ({ ...r, dropped: failed });
  it('ends early while arrivals keep being dropped, not once a start-up burst of drops is over', () => {
    // 2 % dropped every second: an overload at the in-flight cap.
    const overload = Array.from({ length: 5 }, (_, t) => failing(row(t, 20_000, 19_600, 50), 400));
    expect(stepDone(overload, plan, 500, true)).toBe(true);
    // Measured shape (20,121 req/s): drops in the first two seconds, none after.
    const coldStart = Array.from({ length: 5 }, (_, t) => failing(row(t, 20_000, t < 2 ? 17_500 : 20_000, t < 2 ? 170 : 5), t < 2 ? 2500 : 0));
    expect(stepDone(coldStart, plan, 500, true)).toBe(false);
    expect(stepDone(coldStart, plan, 500)).toBe(false);
  });
});

describe('runKnee: which side limited the steps that broke', () => {
  it('judges every step that did not hold from its load, names the side that broke the bracket, and says so in the log', async () => {
    const fake = fakeServer(17);
    const inner = fake.io.holdRate;
    // SYNTHETIC loads: the generator saturates from 18 req/s on (as a fast target's would on 2 shared cores).
    fake.io.holdRate = async (a) => ({
      ...(await inner(a)),
      scheduled: a.rate * a.seconds,
      load: { genCpuPct: a.rate >= 18 ? 97 : 30, genElu: a.rate >= 18 ? 0.95 : 0.3, serverCpuPct: 60, serverProcesses: 1, cores: 2, machineCpuPct: 160, droppedAtCap: 0, droppedLate: 0, maxLagMs: 2 },
    });
    const lines: string[] = [];
    const [r] = await runKnee(options({ log: (l: string) => lines.push(l) }), fake.io) as [KneeRow];
    for (const s of r.steps) {
      expect(s.load).toBeDefined();
      if (s.ok) expect(s.limit).toBeUndefined();
      else expect(s.limit!.by).toBe(s.rate >= 18 ? 'generator' : 'server');
    }
    const broke = r.steps.find((s) => s.rate === r.lowestBrokenRps)!;
    expect(r.brokenBy).toEqual(broke.limit);
    expect(lines.some((l) => l.includes(`≥ ${r.lowestBrokenRps} req/s`) && l.includes(broke.limit!.by === 'generator' ? 'the generator, not the server, was the limit' : 'the server was the limit'))).toBe(true);
  });

  it('claims nothing without a load (a run folder from before, or a fake without one)', async () => {
    const [r] = await runKnee(options(), fakeServer(17).io) as [KneeRow];
    expect(r).not.toHaveProperty('brokenBy');
    expect(r.steps.every((s) => s.limit === undefined && s.load === undefined)).toBe(true);
  });
});
