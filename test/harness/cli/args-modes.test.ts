import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../harness/cli/args.ts';
import { modeName } from '../../../harness/cli/modes.ts';

describe('parseLabArgs: --repeat, --capacity, --knee', () => {
  it('defaults to one repeat and no mode', () => {
    expect(parseLabArgs([])).toMatchObject({ repeat: 1, capacity: false, knee: false });
    expect(modeName(parseLabArgs([]))).toBeNull();
  });

  it('reads the mode flags and names the run folder after the modes', () => {
    const f = parseLabArgs(['--capacity', '--connections', '8', '--capacity-seconds', '3', '--knee', '--slo-ms', '250', '--knee-step-seconds', '4', '--knee-probe', '5']);
    expect(f).toMatchObject({ capacity: true, connections: 8, 'capacity-seconds': 3, knee: true, 'slo-ms': 250, 'knee-step-seconds': 4, 'knee-probe': 5 });
    expect(parseLabArgs(['--knee'])['knee-probe']).toBeUndefined();
    expect(() => parseLabArgs(['--knee', '--knee-probe', '0'])).toThrow('--knee-probe: must be ≥ 1');
    expect(modeName(f)).toBe('capacity-knee');
  });

  it('bounds --repeat and names the flag in the error', () => {
    expect(parseLabArgs(['--repeat', '3']).repeat).toBe(3);
    expect(() => parseLabArgs(['--repeat', '0'])).toThrow('--repeat: must be ≥ 1');
    expect(() => parseLabArgs(['--repeat', '11'])).toThrow('--repeat: must be ≤ 10');
    expect(() => parseLabArgs(['--repeat', 'two'])).toThrow(/--repeat: must be a whole number, got "two"/);
  });

  it('refuses a mode setting without its mode, and --repeat with a mode', () => {
    expect(() => parseLabArgs(['--connections', '8'])).toThrow('--connections: only applies with --capacity');
    expect(() => parseLabArgs(['--slo-ms', '100'])).toThrow('--slo-ms: only applies with --knee');
    expect(() => parseLabArgs(['--knee-probe', '5'])).toThrow('--knee-probe: only applies with --knee');
    expect(() => parseLabArgs(['--knee', '--repeat', '2'])).toThrow('--repeat: applies to profile runs, not to --knee');
  });
});
