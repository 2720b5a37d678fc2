import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../../harness/analysis/threshold-parse.ts';
import { evaluateOne, evaluateThresholds, formatValue, medianValues, runValues, stageValues, type MetricValues, type StageValues, type ThresholdSubject } from '../../../harness/analysis/thresholds.ts';
import type { StageStats } from '../../../harness/results/format.ts';

const t = (text: string) => parseThreshold(text, 'cli');

const values = (o: Partial<MetricValues>): MetricValues => ({ p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, rps: null, errors: null, offered: null, ...o });
const stage = (index: number, o: Partial<StageValues>): StageValues => ({ ...values(o), index, users: 10 * (index + 1), requests: 100, ...o });

// Three stages of a server that holds, then queues at the peak.
const subject: ThresholdSubject = {
  target: 'express-dev',
  state: 'ok',
  run: values({ p95: 240, p99: 900, rps: 30, errors: 0.5, offered: 40 }),
  stages: [
    stage(0, { p95: 60, rps: 18, errors: 0, offered: 19 }),
    stage(1, { p95: 180, rps: 36, errors: 0, offered: 38, name: 'peak' }),
    stage(2, { p95: 420, rps: 40, errors: 1.5, offered: 57 }),
  ],
};

describe('evaluateOne', () => {
  it('judges the whole run', () => {
    expect(evaluateOne(t('p95<300ms'), subject)).toMatchObject({ status: 'pass', value: 240, limit: 300, stage: null, scope: 'run', message: 'p95 240 ms over the run (limit < 300 ms)' });
    expect(evaluateOne(t('p99<500ms'), subject)).toMatchObject({ status: 'fail', value: 900, message: 'p99 900 ms over the run (limit < 500 ms)' });
    expect(evaluateOne(t('errors<1%'), subject)).toMatchObject({ status: 'pass', value: 0.5, limit: 1 });
  });

  it('every stage: fails at the first stage over, and counts them', () => {
    const o = evaluateOne(t('p95<150ms@every-stage'), subject);
    expect(o).toMatchObject({ status: 'fail', value: 180, stage: 1, scope: 'every stage', message: 'p95 180 ms at stage 2 (limit < 150 ms); 2 of 3 stages fail' });
    expect(o.checks.map((c) => c.pass)).toEqual([true, false, false]);
  });

  it('every stage: a pass shows the check closest to its limit', () => {
    expect(evaluateOne(t('p95<=420ms@every-stage'), subject)).toMatchObject({ status: 'pass', value: 420, stage: 2, message: 'closest: p95 420 ms at stage 3 (limit <= 420 ms)' });
  });

  it('a named or numbered stage', () => {
    expect(evaluateOne(t('p95<200ms@stage=peak'), subject)).toMatchObject({ status: 'pass', stage: 1, value: 180 });
    expect(evaluateOne(t('errors<1%@stage=3'), subject)).toMatchObject({ status: 'fail', stage: 2, value: 1.5, message: 'errors 1.5% at stage 3 (limit < 1%)' });
  });

  it('rps against the offered rate: the limit is the factor times each stage\'s offered', () => {
    const o = evaluateOne(t('rps>=0.9*offered@every-stage'), subject);
    expect(o.checks).toEqual([
      { stage: 0, value: 18, limit: 17.1, offered: 19, pass: true },
      { stage: 1, value: 36, limit: 34.2, offered: 38, pass: true },
      { stage: 2, value: 40, limit: 51.3, offered: 57, pass: false },
    ]);
    expect(o.message).toBe('rps 40 req/s at stage 3 (limit >= 51.3 req/s = 0.9 × 57 req/s offered)');
    expect(evaluateOne(t('rps>=0.7*offered'), subject)).toMatchObject({ status: 'pass', limit: 28 });
  });

  it('fails what was not measured, and what cannot be judged', () => {
    const dead: ThresholdSubject = { ...subject, state: 'failed', run: values({ errors: 100, rps: 0 }), stages: [stage(0, { errors: 100, rps: 0 })] };
    expect(evaluateOne(t('p95<300ms'), dead)).toMatchObject({ status: 'fail', value: null, message: 'p95 not measured over the run (no successful response)' });
    // Stage 3 was never reached: that is a failure, not a pass by absence.
    expect(evaluateOne(t('p95<300ms@stage=3'), dead)).toMatchObject({ status: 'fail', stage: 2, message: 'p95 not measured at stage 3 (no successful response)' });
    const unknownOffered = { ...subject, run: values({ rps: 30 }) };
    expect(evaluateOne(t('rps>=offered'), unknownOffered)).toMatchObject({ status: 'fail', limit: null, message: 'rps 30 req/s over the run; the offered rate is not known, so rps>=offered cannot be judged' });
  });

  it('every stage leaves out a stage that offered nothing', () => {
    const idle = { ...subject, stages: [...subject.stages.slice(0, 2), stage(2, { users: 0, requests: 0 })] };
    expect(evaluateOne(t('p95<200ms@every-stage'), idle)).toMatchObject({ status: 'pass', checks: [{ stage: 0 }, { stage: 1 }] });
  });

  it('a skipped target is not judged', () => {
    expect(evaluateOne(t('p95<1ms'), { ...subject, state: 'skipped' })).toMatchObject({ status: 'skipped', checks: [], message: 'not judged: the target was skipped' });
  });

  it('shows a value and its limit to 0.01 when rounding would make them read the same', () => {
    const close = { ...subject, run: values({ rps: 17.12, offered: 19.05 }) };
    expect(evaluateOne(t('rps>=0.9*offered'), close).message).toBe('rps 17.12 req/s over the run (limit >= 17.15 req/s = 0.9 × 19.05 req/s offered)');
  });

  it('each operator at the boundary', () => {
    const at = (e: string) => evaluateOne(t(e), subject).status;
    expect([at('p95<240ms'), at('p95<=240ms'), at('p95>240ms'), at('p95>=240ms')]).toEqual(['fail', 'pass', 'fail', 'pass']);
    expect(at('p95<0.24s')).toBe('fail');
  });
});

describe('evaluateThresholds', () => {
  it('one outcome per target × threshold that names it (or names none), target by target', () => {
    const other: ThresholdSubject = { ...subject, target: 'fastify', run: values({ p95: 20, errors: 0 }) };
    const out = evaluateThresholds([t('p95<300ms'), t('fastify:errors<1%'), t('express-dev:p95<100ms')], [subject, other]);
    expect(out.map((o) => `${o.target} ${o.expression} ${o.status}`)).toEqual([
      'express-dev p95<300ms pass', 'express-dev express-dev:p95<100ms fail', 'fastify p95<300ms pass', 'fastify fastify:errors<1% pass',
    ]);
  });
});

describe('the values thresholds see', () => {
  const stats: StageStats = {
    index: 1, at: 10, end: 20, steadyFrom: 12, users: 20, requests: 400, rps: 49.5, errors: { refused: 0, reset: 0, timeout: 4, http: 0, other: 0 }, errorsTotal: 4, errorPct: 1,
    dropped: 0, corrected: null, count: 396, mean: 70, p50: 60, p90: 110, p95: 130, p99: 200, p999: 240, max: 250,
  };
  it('a stage: its steady-part figures, errors as its errorPct', () => {
    expect(stageValues(stats, 55, 'peak')).toEqual({ index: 1, users: 20, requests: 400, name: 'peak', p50: 60, p90: 110, p95: 130, p99: 200, p999: 240, max: 250, mean: 70, rps: 49.5, errors: 1, offered: 55 });
    expect(stageValues({ ...stats, requests: 0 }, null).errors).toBeNull();
  });

  it('the run: successes per recorded second, errors over completed requests', () => {
    const rows = [{ rps: 10, requests: 10, errorsTotal: 0 }, { rps: 20, requests: 22, errorsTotal: 2 }, { rps: 30, requests: 32, errorsTotal: 2 }];
    const lat = { count: 60, mean: 50, p50: 40, p90: 80, p95: 90, p99: 120, p999: 130, max: 140 };
    expect(runValues(lat, rows, 25)).toEqual({ p50: 40, p90: 80, p95: 90, p99: 120, p999: 130, max: 140, mean: 50, rps: 20, errors: 6.25, offered: 25 });
    expect(runValues({ ...lat, p95: null }, [], null)).toMatchObject({ p95: null, rps: null, errors: null });
  });

  it('repeats: the median of each value, nulls left out', () => {
    expect(medianValues([values({ p95: 100, rps: 10 }), values({ p95: 300, rps: null }), values({ p95: 200, rps: 20 })])).toEqual(values({ p95: 200, rps: 15 }));
  });

  it('formats values in their unit', () => {
    expect([formatValue(212.345, 'ms'), formatValue(1250, 'ms'), formatValue(0.4, '%'), formatValue(17.94, 'req/s')]).toEqual(['212 ms', '1.25 s', '0.4%', '17.9 req/s']);
  });
});
