import { describe, expect, it } from 'vitest';
import { formatDrops } from '../../../harness/cli/drops-table.ts';
import type { TargetEntry } from '../../../harness/results/format.ts';

const target = (dir: string, openDrive?: TargetEntry['openDrive']) => ({ dir, openDrive }) as TargetEntry;

describe('the drops lines after a run (open model)', () => {
  it('names each dropping target\'s split by cause, and says when an older folder did not record it', () => {
    expect(formatDrops({ targets: [
      target('fastify-hello', { scheduled: 120_000, launched: 114_330, dropped: 5_670, droppedAtCap: 5_600, droppedLate: 70, maxLagMs: 3 }),
      target('express-dev', { scheduled: 500, launched: 500, dropped: 0, droppedAtCap: 0, droppedLate: 0, maxLagMs: 1 }),
      target('old', { scheduled: 100, launched: 90, dropped: 10, maxLagMs: 1 }),
      target('closed'),
    ] })).toBe([
      'Dropped arrivals (open model):',
      '  fastify-hello: 5,670 of 120,000 arrivals never sent: 5,600 in-flight cap full (the server\'s queue), 70 generator late (the lab\'s own lag)',
      '  old: 10 of 100 arrivals never sent (cause not recorded)',
    ].join('\n'));
  });

  it('prints nothing when no arrival was dropped', () => {
    expect(formatDrops({ targets: [target('a', { scheduled: 10, launched: 10, dropped: 0, droppedAtCap: 0, droppedLate: 0, maxLagMs: 1 }), target('b')] })).toBeNull();
  });
});
