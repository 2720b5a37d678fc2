import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../harness/results/load.ts';
import type { Summary, ThresholdOutcome } from '../../harness/results/format.ts';
import { reportHtml } from '../../reports/render.ts';
import { thresholdsSection } from '../../reports/sections/thresholds.ts';
import { tempFixtureRun } from './helpers.ts';

const outcome = (o: Partial<ThresholdOutcome>): ThresholdOutcome => ({
  expression: 'p95<300ms', source: 'cli', target: 'fast', metric: 'p95', op: '<', unit: 'ms', scope: 'run', status: 'pass',
  value: 120, limit: 300, stage: null, checks: [{ stage: null, value: 120, limit: 300, pass: true }], message: 'p95 120 ms over the run (limit < 300 ms)', ...o,
});

describe('the thresholds panel', () => {
  let runDir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ runDir, cleanup } = await tempFixtureRun()));
  afterAll(() => cleanup());

  const withThresholds = async (thresholds: unknown) => {
    const file = path.join(runDir, 'summary.json');
    const s = JSON.parse(await readFile(file, 'utf8')) as Summary;
    await writeFile(file, JSON.stringify({ ...s, thresholds }));
    return loadRun(runDir);
  };

  it('is absent (and not in the nav) when the run had no thresholds', async () => {
    const run = await withThresholds(undefined);
    expect(thresholdsSection(run)).toBe('');
    expect(reportHtml(run, [])).not.toContain('href="#thresholds"');
  });

  it('shows every target × threshold with its result, measurement, limit and per-stage checks, escaped', async () => {
    const run = await withThresholds([
      outcome({}),
      outcome({ expression: 'errors<1%@every-stage', source: 'profile', metric: 'errors', unit: '%', scope: 'every stage', status: 'fail', value: 4, limit: 1, stage: 1,
        checks: [{ stage: 0, value: 0, limit: 1, pass: true }, { stage: 1, value: 4, limit: 1, pass: false }], message: 'errors 4% at stage 2 (limit < 1%)' }),
      outcome({ target: '<script>x</script>', status: 'skipped', value: null, limit: null, checks: [], message: 'not judged: the target was skipped' }),
      { expression: 42, status: 'pass' },
    ]);
    const page = reportHtml(run, []);
    expect(page).toContain('<a href="#thresholds">Thresholds</a>');
    const panel = String(thresholdsSection(run));
    expect(panel).toContain('<h2>Thresholds: 1 of 2 failed</h2>');
    expect(panel).toContain('<code>p95&lt;300ms</code></td><td>--assert</td><td class="num">120 ms</td><td class="num">&lt; 300 ms</td>');
    expect(panel).toMatch(/<tr class="fail"><td><span class="badge fail">fail<\/span><\/td><td>fast<\/td><td><code>errors&lt;1%@every-stage<\/code><\/td><td>profile<\/td><td class="num">4%<\/td><td class="num">&lt; 1%<\/td>/);
    expect(panel).toContain('S1 0% ✓ · S2 4% <span class="over">✗</span>');
    expect(panel).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(panel).not.toContain('<script>');
    // The malformed entry is left out, not drawn as a row.
    expect(panel.match(/<tr class=/g)).toHaveLength(3);
  });

  it('says all passed when none failed', async () => {
    expect(String(thresholdsSection(await withThresholds([outcome({})])))).toContain('<h2>Thresholds: all 1 passed</h2>');
  });
});
