import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../harness/cli/args.ts';

describe('parseLabArgs: --generators', () => {
  it('defaults to 1 (the lab\'s own thread) and reads N', () => {
    expect(parseLabArgs([]).generators).toBe(1);
    expect(parseLabArgs(['--generators', '2']).generators).toBe(2);
  });

  it('refuses a bad count in one line naming the flag', () => {
    expect(() => parseLabArgs(['--generators', '0'])).toThrow('--generators: must be ≥ 1');
    expect(() => parseLabArgs(['--generators', '17'])).toThrow('--generators: must be ≤ 16');
    expect(() => parseLabArgs(['--generators', 'two'])).toThrow(/--generators: must be a whole number, got "two"/);
  });

  it('refuses it where the built-in profile driver does not run', () => {
    expect(() => parseLabArgs(['--generators', '2', '--knee'])).toThrow('--generators: splits the built-in driver of a profile run, not --knee');
    expect(() => parseLabArgs(['--generators', '2', '--capacity'])).toThrow('--generators: splits the built-in driver of a profile run, not --capacity');
    expect(() => parseLabArgs(['--generators', '2', '--driver', 'locust'])).toThrow('--generators: splits the built-in driver of a profile run, not --driver locust');
    expect(parseLabArgs(['--generators', '1', '--knee']).knee).toBe(true);
  });
});
