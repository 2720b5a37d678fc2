import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, startLab } from '../helpers/lab.ts';
import type { StageStats } from '../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-e2e-connection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(connection: 'keep-alive' | 'close'): Promise<{ stage: StageStats; report: string }> {
  const out = path.join(dir, connection);
  const lab = startLab(['--profile', fixture('profiles/fair-short.ts'), '--targets', 'express-dev', '--connection', connection, '--out', out]);
  expect(await lab.exited, lab.stderr()).toBe(0); // degraded is a verdict, not a failure
  const stages = JSON.parse(readFileSync(path.join(out, 'express-dev', 'stages.json'), 'utf8')) as StageStats[];
  return { stage: stages[0]!, report: readFileSync(path.join(out, 'report.html'), 'utf8') };
}

describe('keep-alive vs a new connection per request on express-dev (40 users, one-at-a-time server)', () => {
  it('keep-alive serves users unevenly and out of send order; close serves them evenly, in order, at the same req/s', async () => {
    const ka = await run('keep-alive');
    const close = await run('close');
    const facts = JSON.stringify({ ka: ka.stage.fairness, close: close.stage.fairness, rps: [ka.stage.rps, close.stage.rps] });
    // Measured on a quiet machine (fair-short, 16 s): 78% vs 0% overtaken, Jain 0.78 vs 0.99, p99 ÷ p50 12.3 vs 1.26, 17.5 vs 17.4 req/s.
    expect(ka.stage.rps / close.stage.rps, facts).toBeGreaterThan(0.6);
    expect(ka.stage.rps / close.stage.rps, facts).toBeLessThan(1.6);
    const kaOrder = ka.stage.fairness!.order!;
    const closeOrder = close.stage.fairness!.order!;
    expect(kaOrder.overtakenPct, facts).toBeGreaterThanOrEqual(20);
    expect(closeOrder.overtakenPct, facts).toBeLessThanOrEqual(5);
    expect(ka.stage.fairness!.p99OverP50!, facts).toBeGreaterThan(2 * close.stage.fairness!.p99OverP50!);
    expect(ka.stage.fairness!.perUser!.jain!, facts).toBeLessThan(close.stage.fairness!.perUser!.jain!);
    // The report explains it from the run folder, and draws a dot per user.
    expect(ka.report).toContain('Why express-dev&#39;s tail is long');
    expect(close.report).not.toContain('tail is long');
    expect(ka.report).toContain('id="chart-fairness-spec"');
  });
});
