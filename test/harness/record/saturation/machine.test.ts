import { describe, expect, it } from 'vitest';
import { machineShares, machineTicks, parseMachineTicks } from '../../../../harness/record/saturation/machine.ts';

describe('parseMachineTicks', () => {
  it('reads busy (all but idle and iowait), total, softirq and steal from /proc/stat\'s first line', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseMachineTicks('cpu  100 0 50 800 10 5 30 5 0 0')).toEqual({ busy: 190, total: 1000, softirq: 30, steal: 5 });
  });

  it('is null for a line that is not one', () => {
    expect(parseMachineTicks('intr 1 2 x')).toBeNull();
    expect(parseMachineTicks('cpu 1 2')).toBeNull();
  });

  it('reads this machine (Linux)', () => {
    const t = machineTicks();
    expect(t).not.toBeNull();
    expect(t!.total).toBeGreaterThanOrEqual(t!.busy);
    expect(t!.busy).toBeGreaterThanOrEqual(t!.softirq + t!.steal);
  });
});

describe('machineShares: the machine\'s CPU between two readings, in % of one core', () => {
  it('scales each share of all ticks to cores × 100', () => {
    const t0 = { busy: 100, total: 1000, softirq: 10, steal: 0 };
    const t1 = { busy: 900, total: 2000, softirq: 210, steal: 50 };
    expect(machineShares(t0, t1, 2)).toEqual({ busyPct: 160, softirqPct: 40, stealPct: 10 });
  });

  it('is null without two readings or when no tick passed', () => {
    const t = { busy: 1, total: 2, softirq: 0, steal: 0 };
    expect(machineShares(null, t, 2)).toBeNull();
    expect(machineShares(t, t, 2)).toBeNull();
  });
});
