import { describe, expect, it } from 'vitest';
import { formatThresholds } from '../../../harness/cli/threshold-table.ts';
import type { ThresholdOutcome } from '../../../harness/results/format.ts';

const o = (target: string, expression: string, status: ThresholdOutcome['status'], message: string): ThresholdOutcome => ({
  expression, source: 'cli', target, metric: 'p95', op: '<', unit: 'ms', scope: 'run', status, value: null, limit: null, stage: null, checks: [], message,
});

describe('formatThresholds', () => {
  it('heads with how many failed, then one aligned line per target × threshold', () => {
    expect(formatThresholds([
      o('express-dev', 'p95<300ms', 'fail', 'p95 412 ms over the run (limit < 300 ms)'),
      o('express-dev', 'errors<1%@every-stage', 'pass', 'closest: errors 0.2% at stage 3 (limit < 1%)'),
      o('flask-dev', 'p95<300ms', 'skipped', 'not judged: the target was skipped'),
    ])).toBe([
      'thresholds: 1 of 2 FAILED',
      '  FAIL  express-dev  p95<300ms              p95 412 ms over the run (limit < 300 ms)',
      '  pass  express-dev  errors<1%@every-stage  closest: errors 0.2% at stage 3 (limit < 1%)',
      '  skip  flask-dev    p95<300ms              not judged: the target was skipped',
    ].join('\n'));
  });

  it('says when all passed', () => {
    expect(formatThresholds([o('a', 'p95<1s', 'pass', 'ok')]).split('\n')[0]).toBe('thresholds: all 1 passed');
  });
});
