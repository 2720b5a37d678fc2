import { describe, expect, it } from 'vitest';
import { formatMs, verdict, type VerdictStage } from '../../../harness/analysis/verdict.ts';

const stage = (index: number, users: number, p95: number | null, errorPct = 0, requests = 1000): VerdictStage =>
  ({ index, users, p95, errorPct, requests });

describe('verdict', () => {
  it('holds when every stage stays near the baseline, naming a bound above the worst p95', () => {
    const v = verdict([stage(0, 5, 60), stage(1, 15, 70), stage(2, 40, 113), stage(3, 20, 90)]);
    expect(v).toEqual({ status: 'held', degradedFrom: null, text: 'held p95 under 120 ms at every stage' });
    expect(verdict([stage(0, 5, 60), stage(1, 15, 120)]).text).toBe('held p95 under 130 ms at every stage');
  });

  it('degrades from the first stage past twice the baseline, showing baseline → worst', () => {
    const v = verdict([stage(0, 5, 68), stage(1, 15, 72), stage(2, 40, 900), stage(3, 20, 2100)]);
    expect(v).toEqual({ status: 'degraded', degradedFrom: 2, text: 'degraded from stage 3 (40 users): p95 68 ms → 2.1 s' });
  });

  it('ignores doubling of a fast baseline below the 50 ms floor', () => {
    expect(verdict([stage(0, 5, 5), stage(1, 15, 40)]).text).toBe('held p95 under 50 ms at every stage');
    expect(verdict([stage(0, 5, 5), stage(1, 15, 56)]).text).toBe('held, slowed: p95 5 ms → 56 ms at stage 2 (15 users), throughput kept pace with load');
    expect(verdict([stage(0, 5, 5), stage(1, 15, 256)]).status).toBe('degraded');
  });

  it('says "slowed" when p95 more than doubled but stayed under 5× while throughput kept pace', () => {
    const s = (index: number, users: number, p95: number, rps: number, mean: number) => ({ ...stage(index, users, p95), rps, mean });
    // 40 users thinking 0.75 s, answered in 130 ms on average, send 40 / (0.75 + 0.13) ≈ 45.5 req/s.
    const held = verdict([s(0, 5, 99, 6.2, 60), s(1, 40, 340, 45.2, 130)], { meanWaitSeconds: 0.75 });
    expect(held).toEqual({ status: 'held', degradedFrom: null, text: 'held, slowed: p95 99 ms → 340 ms at stage 2 (40 users), throughput kept pace with load' });
  });

  it('breaks when the load is not sustained: served short of what the users send at their own response time', () => {
    const s = (index: number, users: number, p95: number, rps: number, mean: number) => ({ ...stage(index, users, p95), rps, mean });
    // Stage 3: 40 users answered in 800 ms on average send 40 / (0.75 + 0.8) ≈ 25.8 req/s; 16.3 served.
    const v = verdict([s(0, 5, 124, 6.2, 60), s(1, 15, 344, 15.8, 200), s(2, 40, 400, 16.3, 800)], { meanWaitSeconds: 0.75 });
    expect(v.degradedFrom).toBe(2);
    expect(v.text).toBe('degraded from stage 3 (40 users): p95 124 ms → 400 ms, served 16.3 of ≈49.4 req/s offered');
    // Open model: the offered load is the arrival rate itself; 90% served is no longer enough.
    const open = verdict([s(0, 10, 100, 10, 50), s(1, 40, 150, 36, 60)], { unit: 'req/s' });
    expect(open.text).toBe('degraded from stage 2 (40 req/s): p95 100 ms → 150 ms, served 36 of ≈40 req/s offered');
    expect(verdict([s(0, 10, 100, 10, 50), s(1, 40, 150, 39.5, 60)], { unit: 'req/s' }).status).toBe('held');
  });

  it('judges a stage by its seconds when it has them: a growing backlog or a latency trend is not sustained', () => {
    const sec = (rps: number, p95: number, users = 20) => ({ users, rps, errorsTotal: 0, dropped: 0, p95 });
    const base = { ...stage(0, 10, 100), rps: 10, offered: 10 };
    // 20 req/s offered, 19.3 served every second: 96.5% served, p95 flat — the queue still grows.
    const growing = { ...stage(1, 20, 180), rps: 19.3, offered: 20, seconds: Array.from({ length: 20 }, () => sec(19.3, 180)) };
    const g = verdict([base, growing], { unit: 'req/s' });
    expect(g.status).toBe('degraded');
    expect(g.text).toMatch(/^degraded from stage 2 \(20 req\/s\): p95 100 ms → 180 ms, served 19.3 of ≈20 req\/s offered; not steady: backlog grew by 10.5 requests/);
    // Served keeps pace but p95 climbs 15 ms a second, staying under 5× the baseline.
    const rising = { ...stage(1, 20, 300), rps: 20, offered: 20, seconds: Array.from({ length: 20 }, (_, i) => sec(20, 100 + 15 * i)) };
    expect(verdict([base, rising], { unit: 'req/s' }).text).toMatch(/not steady: p95 rose/);
    // Level and keeping pace, with scatter: held.
    const level = { ...stage(1, 20, 130), rps: 20, offered: 20, seconds: Array.from({ length: 20 }, (_, i) => sec(i % 2 ? 19 : 21, 110 + (i % 3) * 20)) };
    expect(verdict([base, level], { unit: 'req/s' }).status).toBe('held');
    // Closed model: each second is held to users ÷ (think + the stage's mean response).
    const closed = { ...stage(1, 40, 300), rps: 45, mean: 130, seconds: Array.from({ length: 20 }, (_, i) => sec(45, 150 + 20 * i, 40)) };
    expect(verdict([{ ...stage(0, 5, 99), rps: 6.2, mean: 60 }, closed], { meanWaitSeconds: 0.75 }).text).toMatch(/not steady: p95 rose/);
  });

  it('degrades on errors over 1%', () => {
    const v = verdict([stage(0, 5, 68), stage(1, 15, 80, 12.34), stage(2, 40, 75, 3)]);
    expect(v).toEqual({ status: 'degraded', degradedFrom: 1, text: 'degraded from stage 2 (15 users): p95 68 ms → 80 ms, 12.3% errors' });
    expect(verdict([stage(0, 5, 68), stage(1, 15, 80, 1)]).status).toBe('held');
  });

  it('uses an absolute bound when given sloMs', () => {
    const stages = [stage(0, 5, 68), stage(1, 15, 110)];
    expect(verdict(stages).status).toBe('held');
    expect(verdict(stages, { sloMs: 100 }).text).toBe('degraded from stage 2 (15 users): p95 68 ms → 110 ms');
  });

  it('reports a dead target as no successful responses', () => {
    const v = verdict([stage(0, 5, 68), stage(1, 15, null, 0, 0), stage(2, 40, null, 0, 0)]);
    expect(v).toEqual({ status: 'degraded', degradedFrom: 1, text: 'no successful responses from stage 2 (15 users)' });
    expect(verdict([stage(0, 5, null, 100, 40)]).text).toBe('no successful responses from stage 1 (5 users), 100.0% errors');
  });

  it('adds a later death to a latency degradation', () => {
    const v = verdict([stage(0, 5, 68), stage(1, 15, 400), stage(2, 40, null, 0, 0)]);
    expect(v.text).toBe('degraded from stage 2 (15 users): p95 68 ms → 400 ms; no successful responses from stage 3 (40 users)');
  });

  it('reads open-model stages as req/s and skips stages that offered no load', () => {
    const v = verdict([stage(0, 0, null, 0, 0), stage(1, 10, 50), stage(2, 40, 400)], { unit: 'req/s' });
    expect(v).toEqual({ status: 'degraded', degradedFrom: 2, text: 'degraded from stage 3 (40 req/s): p95 50 ms → 400 ms' });
  });
});

describe('formatMs', () => {
  it('prints whole ms below a second and tenths of seconds above', () => {
    expect([null, 0.4, 68.4, 999.4, 999.6, 1000, 2100, 12_345].map(formatMs))
      .toEqual(['—', '0 ms', '68 ms', '999 ms', '1.0 s', '1.0 s', '2.1 s', '12.3 s']);
  });
});
