import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkRequirements } from '../../harness/input/requires.ts';
import { mulberry32, serviceTimeMs } from '../../targets/lib/prng.ts';
import { FLASK } from '../../targets/lib/python.ts';
import { ROOT } from '../helpers/lab.ts';

describe('the Python app draws the Node targets\' service times', () => {
  it('seed 1 (and a large seed) gives the same first 1,000 service times in both languages', async () => {
    // The interpreter the Python targets would run: the one that imports Flask, not whatever python3 is first on PATH.
    const { python, missing } = await checkRequirements([FLASK], true);
    expect(missing).toEqual([]);
    for (const seed of [1, 4_000_000_007]) {
      const r = await execa(python!, ['loadlab_prng.py', String(seed), '1000'], { cwd: path.join(ROOT, 'targets/python') });
      const rand = mulberry32(seed);
      const node = Array.from({ length: 1000 }, () => serviceTimeMs(rand));
      expect(r.stdout.split('\n').map(Number)).toEqual(node);
    }
  });
});
