import { execFileSync, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInput } from '../../../bench/lib/args.ts';
import { DEFAULT_PLACEMENT } from '../../../bench/lib/figure.ts';
import { formatFigure } from '../../../bench/lib/format.ts';
import { cpuFor, parsePlacement, pin, setPlacement, usablePlacement } from '../../../bench/lib/placement.ts';

describe('placement (--placement)', () => {
  afterEach(() => setPlacement('free'));

  it('shared puts target and generator on CPU 0, split the target on the last CPU, free pins nothing', () => {
    expect([cpuFor('shared', 'target', 2), cpuFor('shared', 'generator', 2)]).toEqual([0, 0]);
    expect([cpuFor('split', 'target', 4), cpuFor('split', 'generator', 4)]).toEqual([3, 0]);
    expect([cpuFor('free', 'target', 2), cpuFor('free', 'generator', 2)]).toEqual([null, null]);
  });

  it('the max-rate figure shares one core by default; the figures that measure beside a server run free', () => {
    expect(DEFAULT_PLACEMENT).toEqual({ efficiency: 'shared', open: 'free', accuracy: 'free', omission: 'free', memory: 'free' });
  });

  it('refuses an unknown value, and split on one CPU, in one line naming the flag', () => {
    expect(() => parsePlacement('pinned', 2)).toThrow(new BadInput('--placement: expected shared, split, free, got "pinned"'));
    expect(() => parsePlacement('split', 1)).toThrow(new BadInput('--placement: split needs at least 2 CPUs'));
    expect(parsePlacement('free', 1)).toBe('free');
  });

  it('a default that cannot be set up falls back to free and says why', () => {
    expect(usablePlacement('split', 1)).toEqual({ placement: 'free', note: 'placement split not possible (split needs at least 2 CPUs): free instead' });
    expect(usablePlacement('free', 1)).toEqual({ placement: 'free', note: null });
  });

  it('pins a real process to its CPU under the current placement', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      const affinity = () => execFileSync('taskset', ['-cp', String(child.pid)], { encoding: 'utf8' }).trim().split(': ').pop();
      const before = affinity();
      setPlacement('free');
      pin(child.pid, 'target');
      expect(affinity()).toBe(before);
      setPlacement('shared');
      pin(child.pid, 'target');
      expect(affinity()).toBe('0');
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('a figure that ran pinned says where in its title; a free one adds nothing', () => {
    const run = { figure: 'efficiency' as const, title: 'T', rows: [], summary: 's', met: true, notes: [] };
    expect(formatFigure({ ...run, placement: 'shared' }, '[1]').split('\n')[0]).toBe('[1] T; target and generator sharing CPU 0 (taskset)');
    expect(formatFigure({ ...run, placement: 'free' }, '[1]').split('\n')[0]).toBe('[1] T');
  });
});
