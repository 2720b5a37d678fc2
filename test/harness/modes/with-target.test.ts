import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTargetFile } from '../../../harness/input/discover.ts';
import { runCapacity } from '../../../harness/modes/capacity.ts';
import { runKnee } from '../../../harness/modes/knee.ts';
import type { CapacityRow, KneeRow } from '../../../harness/results/format.ts';
import { capacitySentence, kneeSentence } from '../../../reports/modes.ts';
import { fixture } from '../../helpers/lab.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-with-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INSTALL = 'apt-get install -y python3-loadlab-not-installed';

// No process starts: the requirement is checked before the target is launched.
describe('capacity and knee modes with a target whose requirement is missing', () => {
  const options = async () => ({
    targets: [await loadTargetFile(fixture('targets/needs-missing.ts'))],
    work: 'block' as const, seed: 1, runDir: dir, signal: AbortSignal.timeout(10_000),
    spawned: () => { throw new Error('nothing should start'); },
  });

  it('capacity: the row is skipped with the install line, not failed', async () => {
    const [row] = await runCapacity(await options()) as [CapacityRow];
    expect(row.state).toBe('skipped');
    expect(row.error).toContain(INSTALL);
    expect(capacitySentence(row)).toMatch(/^needs-missing was skipped: .*apt-get install -y python3-loadlab-not-installed/);
    expect((JSON.parse(readFileSync(path.join(dir, 'capacity.json'), 'utf8')) as CapacityRow[])[0]!.state).toBe('skipped');
  });

  it('knee: the row is skipped with the install line, not failed', async () => {
    const [row] = await runKnee({ ...(await options()), sloMs: 500 }) as [KneeRow];
    expect([row.state, row.stoppedBy, row.steps.length]).toEqual(['skipped', 'skipped', 0]);
    expect(row.error).toContain(INSTALL);
    expect(kneeSentence(row)).toMatch(/^needs-missing was skipped: .*apt-get install -y python3-loadlab-not-installed/);
  });
});
