import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../harness/cli/args.ts';

describe('parseLabArgs: --ui, --ui-port', () => {
  it('is off by default; --ui-port defaults to any free port (left unset)', () => {
    expect(parseLabArgs([])).toMatchObject({ ui: false });
    expect(parseLabArgs(['--ui'])['ui-port']).toBeUndefined();
    expect(parseLabArgs(['--ui', '--ui-port', '8089'])).toMatchObject({ ui: true, 'ui-port': 8089 });
  });

  it('bounds the port, and refuses --ui-port without --ui and --ui with a mode', () => {
    expect(() => parseLabArgs(['--ui', '--ui-port', '65536'])).toThrow('--ui-port: must be ≤ 65535');
    expect(() => parseLabArgs(['--ui', '--ui-port', 'http'])).toThrow(/--ui-port: must be a whole number, got "http"/);
    expect(() => parseLabArgs(['--ui-port', '8089'])).toThrow('--ui-port: only applies with --ui');
    expect(() => parseLabArgs(['--ui', '--capacity'])).toThrow('--ui: draws profile runs, not --capacity');
  });
});
