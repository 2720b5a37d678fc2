import { describe, expect, it } from 'vitest';
import {
  checkValidity, combineRepeats, generatorCheck, labErrorsCheck, littleStage, noiseCheck, offeredLoadCheck, runValidity, timerLagCheck, type ValidityInput,
} from '../../../harness/analysis/validity.ts';
import type { IntervalRow, SpreadTarget, StageStats } from '../../../harness/results/format.ts';

const noErrors = { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 };

function stage(over: Partial<StageStats>): StageStats {
  return {
    index: 0, at: 0, end: 10, steadyFrom: 0, users: 40, requests: 500, rps: 50, errors: noErrors, errorsTotal: 0, errorPct: 0, dropped: 0,
    count: 500, mean: 50, p50: 45, p90: 80, p95: 90, p99: 98, p999: 100, max: 100, corrected: null, ...over,
  };
}

/** `n` seconds from `from`, each with these users (or rate), completed requests and extras. */
function rows(from: number, n: number, users: number | ((t: number) => number), requests: number, extra: Partial<IntervalRow> = {}): IntervalRow[] {
  return Array.from({ length: n }, (_, i) => ({
    t: from + i, stage: 0, users: typeof users === 'number' ? users : users(from + i), requests, rps: requests, errors: noErrors, errorsTotal: 0, dropped: 0,
    p50: null, p90: null, p95: null, p99: null, max: null, ...extra,
  }));
}

// between(0.5, 1): mean think 750 ms. 40 users × 1 / (50 ms + 750 ms) = 50 req/s.
// The profile goes on one second past the stage (a row after it), so the profile's last second, left out for its last pauses, is not the stage's.
const closed = (s: StageStats, r: IntervalRow[]): ValidityInput => ({
  model: 'closed', wait: { kind: 'between', min: 0.5, max: 1 }, stages: [s], rows: [...r, ...rows((r.at(-1)?.t ?? 0) + 1, 1, 0, 0)], errors: noErrors,
});

describe("Little's law, closed model", () => {
  it('holds on consistent stage stats: 40 users = 50 req/s × (50 ms + 750 ms)', () => {
    const l = littleStage(stage({}), closed(stage({}), rows(0, 10, 40, 50)));
    expect(l).toMatchObject({ measured: 40, throughput: 50, responseMs: 50, thinkMs: 750, predicted: 40, deviationPct: 0, ok: true });
  });

  it('fails a deliberately inconsistent stage: 40 users but only 30 req/s at 50 ms + 750 ms predicts 24 users (−40%)', () => {
    const v = checkValidity(closed(stage({}), rows(0, 10, 40, 30)));
    expect(v.littlesLaw[0]).toMatchObject({ measured: 40, predicted: 24, deviationPct: -40, ok: false });
    expect(v.verdict).toBe('suspect');
    expect(v.why[0]).toContain('stage 1 (from 0 s): 40 users measured vs 24 = 30 req/s × (50 ms + 750 ms think) (-40%)');
  });

  it('uses the time-averaged user count, not the nominal one: a stage whose users ran 20 then 40 averages 30', () => {
    // Nominal 40 users would predict 37.5 req/s; 30 users on average at 0.8 s a cycle give 37.5 × 0.8 = 30.
    const r = rows(0, 10, (t) => (t < 5 ? 20 : 40), 37.5);
    const l = littleStage(stage({}), closed(stage({}), r));
    expect(l).toMatchObject({ measured: 30, predicted: 30, ok: true });
  });

  it('counts the users whose loop still ran: after a ramp down, stopped users finish their request and think', () => {
    // 20 users asked for, but 22 on average were still running their last cycle; their answers are in the 27.5 req/s.
    const l = littleStage(stage({ users: 20 }), closed(stage({ users: 20 }), rows(0, 10, 20, 27.5, { liveUsers: 22 })));
    expect(l).toMatchObject({ measured: 22, predicted: 22, ok: true });
  });

  it('uses the pacing wait net of the response time: constantPacing(1 s) with 200 ms answers is one request per user per second', () => {
    const s = stage({ mean: 200 });
    const l = littleStage(s, { ...closed(s, rows(0, 10, 40, 40)), wait: { kind: 'constantPacing', seconds: 1 } });
    expect(l).toMatchObject({ thinkMs: 800, predicted: 40, ok: true });
  });

  it('leaves out stages it cannot judge, saying why', () => {
    expect(littleStage(stage({ errorsTotal: 25, errors: { ...noErrors, reset: 25 } }), closed(stage({}), rows(0, 10, 40, 50))).note).toContain('5% errors');
    expect(littleStage(stage({ requests: 10 }), closed(stage({}), rows(0, 10, 40, 1))).ok).toBeNull();
    expect(littleStage(stage({}), closed(stage({}), [])).note).toBe('no steady seconds');
  });

  it('calls a stage with no seconds left once its opening requests clear too little to judge, not an older run folder', () => {
    // 2 steady seconds whose first answer took 2.5 s: nothing is left after the settle (rows carry means, as new runs do).
    const r = rows(0, 2, 8, 70, { mean: 100, max: 2500 });
    const l = littleStage(stage({ users: 8 }), closed(stage({ users: 8 }), r));
    expect(l.ok).toBeNull();
    expect(l.note).toContain('too little to judge (0 settled s');
  });

  it('counts a timed-out request as in the system for the whole deadline (express-dev at 40 users, measured)', () => {
    // Stage 3 of a real launch run: 428 answers averaging 1403.57 ms and 7 timeouts at 10 s over 25 s (17.4 req/s).
    // Mean time = (428 × 1403.57 + 7 × 10 000) / 435 = 1541.9 ms; 17.4 × (1.5419 + 0.75) = 39.88 users ≈ 40.
    const s = stage({ steadyFrom: 45, end: 70, requests: 435, count: 428, mean: 1403.57, errors: { ...noErrors, timeout: 7 }, errorsTotal: 7, errorPct: 1.6 });
    const input = { ...closed(s, rows(45, 25, 40, 17.4)), timeoutMs: 10_000 };
    expect(littleStage(s, input)).toMatchObject({ responseMs: 1541.9, predicted: 39.88, deviationPct: -0.3, ok: true });
    // Without the deadline their time is unknown: 1.6% of the requests, so the stage is not judged.
    expect(littleStage(s, closed(s, rows(45, 25, 40, 17.4))).note).toContain('1.6% errors whose time is not known');
  });

  it('judges once the requests a stage opened with have cleared: their time before it is not the stage\'s', () => {
    // A stage after an overloaded one: its first 3 s answer the old queue (mean 1.5 s, slowest 2.5 s).
    // Over all 10 s the mean response is (3 × 1500 + 7 × 50) / 10 = 485 ms and 50 req/s × 1.235 s = 61.75 users (+54%).
    // From second 3 (the first second's slowest, 2.5 s, rounded up) it is 50 ms: 50 × 0.8 s = 40 users.
    const r = rows(0, 10, 40, 50).map((x) => (x.t < 3 ? { ...x, mean: 1500, max: 2500 } : { ...x, mean: 50, max: 100 }));
    expect(littleStage(stage({}), closed(stage({}), r))).toMatchObject({ from: 3, responseMs: 50, predicted: 40, ok: true });
    // An older run folder (rows without means) is judged on the whole steady part with the stage's mean.
    expect(littleStage(stage({ mean: 485 }), closed(stage({}), rows(0, 10, 40, 50)))).toMatchObject({ from: 0, predicted: 61.75, ok: false });
  });

  it('leaves out the profile\'s last second(s), where users whose next pause would outlast it stop instead of thinking', () => {
    // The last second: 40 users asked for, but half stopped early while their last answers (50/s) still count.
    const r = [...rows(0, 9, 40, 50), ...rows(9, 1, 40, 50, { liveUsers: 20 })];
    const input: ValidityInput = { model: 'closed', wait: { kind: 'between', min: 0.5, max: 1 }, stages: [stage({})], rows: r, errors: noErrors };
    expect(littleStage(stage({}), input)).toMatchObject({ measured: 40, predicted: 40, ok: true });
  });

  it('counts only the steady seconds [steadyFrom, end)', () => {
    const s = stage({ steadyFrom: 5 });
    // The ramp seconds 0–4 (10 users, 12.5 req/s) would pull the mean users down; they are left out.
    const l = littleStage(s, closed(s, [...rows(0, 5, 10, 12.5), ...rows(5, 5, 40, 50)]));
    expect(l).toMatchObject({ measured: 40, throughput: 50, ok: true });
  });
});

describe("Little's law, open model", () => {
  const open = (s: StageStats, r: IntervalRow[]): ValidityInput => ({ model: 'open', stages: [s], rows: r, errors: noErrors });
  const sent = { count: 500, mean: 40, p50: 38, p90: 60, p95: 70, p99: 80, p999: 90, max: 90 };

  it('holds when in flight = arrival rate × mean latency from the send: 2 = 50 req/s × 40 ms', () => {
    const s = stage({ sent, mean: 60 });
    expect(littleStage(s, open(s, rows(0, 10, 50, 50, { inFlight: 2, launched: 50 })))).toMatchObject({ measured: 2, predicted: 2, thinkMs: null, ok: true });
  });

  it('fails when the driver counted twice the requests in flight that the latencies imply', () => {
    const s = stage({ sent });
    expect(littleStage(s, open(s, rows(0, 10, 50, 50, { inFlight: 4, launched: 50 })))).toMatchObject({ predicted: 2, deviationPct: -50, ok: false });
  });

  it('does not judge a stage whose queue grew across it (past capacity): the edges of a finite window do not cancel', () => {
    // In flight grows 1 → 190 while 18 req/s complete in ≈ 1 s: the requests still queued at the end carry
    // ~190 × 5 s of waiting that no completed latency holds (express-dev, open-ramp stage 2, measured).
    const s = stage({ sent });
    const r = rows(0, 10, 45, 18).map((x) => ({ ...x, launched: 45, inFlight: 1 + 21 * x.t, mean: 1000, sentMean: x.t === 9 ? 5000 : 1000, max: 100 }));
    expect(littleStage(s, open(s, r))).toMatchObject({ ok: null, note: expect.stringContaining('not in a steady state') });
    // The same rows at a steady 100 in flight are judged, and fail: 18 req/s × 1 s predicts 18.
    const steady = r.map((x) => ({ ...x, inFlight: 100, sentMean: 1000 }));
    expect(littleStage(s, open(s, steady))).toMatchObject({ predicted: 18, ok: false });
  });

  it('is not checked on an older run folder without the in-flight count', () => {
    const s = stage({ sent });
    expect(littleStage(s, open(s, rows(0, 10, 50, 50))).note).toContain('older run folder');
  });
});

describe('offered vs achieved load', () => {
  it('open: arrivals launched or dropped per second against the scheduled rate', () => {
    const s = stage({});
    const ok = offeredLoadCheck({ model: 'open', stages: [s], rows: rows(0, 10, 50, 50, { launched: 47, dropped: 2 }), errors: noErrors });
    expect(ok).toMatchObject({ ok: true });
    const short = offeredLoadCheck({ model: 'open', stages: [s], rows: rows(0, 10, 50, 40, { launched: 40 }), errors: noErrors });
    expect(short.ok).toBe(false);
    expect(short.detail).toContain('stage 1: 40 of 50 req/s');
  });

  it('closed: users running against the users the stage asked for', () => {
    expect(offeredLoadCheck(closed(stage({}), rows(0, 10, 40, 50))).ok).toBe(true);
    expect(offeredLoadCheck(closed(stage({}), rows(0, 10, 30, 50))).ok).toBe(false);
  });
});

describe('the other checks', () => {
  it('generator saturation, timer lag and the lab\'s own errors', () => {
    expect(generatorCheck({ saturated: true, reason: 'CPU ≥ 90% for 4 s', peakCpuPct: 99, peakEldP99Ms: 5 })).toMatchObject({ ok: false, detail: expect.stringContaining('CPU ≥ 90% for 4 s') });
    expect(generatorCheck(undefined).ok).toBeNull();
    expect(timerLagCheck('closed', undefined)).toBeNull();
    expect(timerLagCheck('open', { scheduled: 10, launched: 10, dropped: 0, maxLagMs: 3.2 })?.ok).toBe(true);
    expect(timerLagCheck('open', { scheduled: 10, launched: 10, dropped: 0, maxLagMs: 25 })?.ok).toBe(false);
    expect(labErrorsCheck({ ...noErrors, timeout: 9 }).ok).toBe(true);
    expect(labErrorsCheck({ ...noErrors, other: 2 }).ok).toBe(false);
  });

  it('noise across repeats: a p95 range over half its median, or a req/s range over a fifth', () => {
    const spread = (p95: [number, number, number], rps: [number, number, number]): SpreadTarget => ({
      name: 'a', concurrency: 1, runs: [],
      stages: [{ index: 0, users: 5, n: 3, repeats: [1, 2, 3], values: { p50: [], p95: [], rps: [] }, p50: null,
        p95: { min: p95[0], median: p95[1], max: p95[2] }, rps: { min: rps[0], median: rps[1], max: rps[2] } }],
    });
    expect(noiseCheck(spread([90, 100, 130], [48, 50, 52])).ok).toBe(true);
    expect(noiseCheck(spread([90, 100, 160], [48, 50, 52]))).toMatchObject({ ok: false, detail: expect.stringContaining('p95 90–160 ms (70% of its median)') });
    expect(noiseCheck(spread([90, 100, 110], [40, 50, 52])).ok).toBe(false);
  });
});

describe('verdicts', () => {
  it('a run is valid when every check passed or could not be judged, suspect with each failure named by target', () => {
    const good = checkValidity(closed(stage({}), rows(0, 10, 40, 50)));
    expect(good).toMatchObject({ verdict: 'valid', why: [] });
    const bad = checkValidity({ ...closed(stage({}), rows(0, 10, 40, 50)), errors: { ...noErrors, other: 1 } });
    expect(runValidity([{ name: 'a', validity: good }, { name: 'b', validity: bad }])).toEqual({
      verdict: 'suspect', why: ["b: 1 error(s) of kind 'other', raised on the lab's side rather than by the server (see failures.json)"],
    });
  });

  it('combines repeats: a check that failed in one repeat fails, named by repeat; Little\'s law rows carry their repeat', () => {
    const good = checkValidity(closed(stage({}), rows(0, 10, 40, 50)));
    const bad = checkValidity(closed(stage({}), rows(0, 10, 40, 30)));
    const v = combineRepeats([good, bad], undefined);
    expect(v.verdict).toBe('suspect');
    expect(v.why[0]).toMatch(/^repeat 2: Little's law off/);
    expect(v.littlesLaw.map((l) => l.repeat)).toEqual([1, 2]);
  });
});
