import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../harness/results/load.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { checkValidity, runValidity } from '../../harness/analysis/validity.ts';
import type { IntervalRow, StageStats } from '../../harness/results/format.ts';
import { headlineSection } from '../../reports/sections/headline.ts';
import { formatValidity } from '../../harness/cli/validity-table.ts';
import { tempFixtureRun } from './helpers.ts';

const noErrors = { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 };
const stage: StageStats = {
  index: 0, at: 0, end: 10, steadyFrom: 0, users: 40, requests: 300, rps: 30, errors: noErrors, errorsTotal: 0, errorPct: 0, dropped: 0,
  count: 300, mean: 50, p50: 45, p90: 80, p95: 90, p99: 98, p999: 100, max: 100, corrected: null,
};
const rows = (requests: number): IntervalRow[] => Array.from({ length: 10 }, (_, t) => ({
  t, stage: 0, users: 40, requests, rps: requests, errors: noErrors, errorsTotal: 0, dropped: 0, p50: null, p90: null, p95: null, p99: null, max: null,
}));
const validity = (requests: number) => checkValidity({ model: 'closed', wait: { kind: 'between', min: 0.5, max: 1 }, stages: [stage], rows: rows(requests), errors: noErrors });

describe('the validity verdict in the report headline and the terminal', () => {
  let run: RunData;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun();
    cleanup = f.cleanup;
    run = await loadRun(f.runDir);
  });
  afterAll(() => cleanup());

  it('says "not checked" for a run folder written before the check', () => {
    expect(String(headlineSection(run))).toContain('Validity: not checked');
    expect(formatValidity(run.summary!)).toContain('not checked');
  });

  it('shows valid, or suspect with why and Little\'s law\'s numbers', () => {
    const summary = structuredClone(run.summary!);
    summary.targets[0]!.validity = validity(50);
    summary.validity = runValidity(summary.targets);
    let page = String(headlineSection({ ...run, summary }));
    expect(page).toContain('<span class="badge held">valid</span>');
    expect(formatValidity(summary)).toMatch(/^validity: valid/);

    summary.targets[0]!.validity = validity(30);
    summary.validity = runValidity(summary.targets);
    page = String(headlineSection({ ...run, summary }));
    expect(page).toContain('<span class="badge degraded">suspect</span>');
    expect(page).toContain('24 = 30 req/s × (50 ms + 750 ms think) (-40%)');
    expect(page).toMatch(/<td class="num">40<\/td><td class="num">30<\/td><td class="num">50 ms<\/td><td class="num">750 ms<\/td><td class="num">24<\/td><td class="num">-40%<\/td>/);
    const text = formatValidity(summary);
    expect(text).toMatch(/^validity: SUSPECT/);
    expect(text).toContain(`${summary.targets[0]!.name}: Little's law off by more than 10% at stage 1 (from 0 s): 40 users measured vs 24`);
  });
});
