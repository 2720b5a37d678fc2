import { describe, expect, it } from 'vitest';
import { commandEnv, runtimeOf, substitute, usesPython, type CommandVars } from '../../../harness/spawn/command.ts';
import { defineTarget } from '../../../targets/lib/define.ts';

const vars: CommandVars = { port: 8123, host: '127.0.0.1', size: 4, seed: 7, work: 'cpu', python: '/usr/bin/python3' };

describe('command targets: substitution', () => {
  it('replaces every placeholder inside each argument', () => {
    expect(substitute(['{python}', '-m', 'gunicorn', '-w', '{size}', '-b', '{host}:{port}', '--seed={seed}', '{work}'], vars))
      .toEqual(['/usr/bin/python3', '-m', 'gunicorn', '-w', '4', '-b', '127.0.0.1:8123', '--seed=7', 'cpu']);
  });

  it('leaves other braces alone (a Python or shell snippet may use them)', () => {
    expect(substitute(['print({"a": 1})', '{other}', '{port'], vars)).toEqual(['print({"a": 1})', '{other}', '{port']);
  });

  it('refuses {python} when no interpreter was resolved', () => {
    expect(() => substitute(['{python}'], { ...vars, python: null })).toThrow(/no Python interpreter/);
    expect(substitute(['sh'], { ...vars, python: null })).toEqual(['sh']);
  });

  it('sets the port and host in the environment under the usual names too', () => {
    expect(commandEnv(vars)).toEqual({ LOADLAB_PORT: '8123', PORT: '8123', HOST: '127.0.0.1', LOADLAB_WORK: 'cpu', LOADLAB_SEED: '7', LOADLAB_SIZE: '4' });
  });

  it('names the runtime: node for a start function, else declared or from argv[0]', () => {
    const common = { name: 'x', description: 'x' };
    expect(runtimeOf(defineTarget({ ...common, start: () => {} }))).toBe('node');
    expect(runtimeOf(defineTarget({ ...common, command: ['{python}', 'app.py'] }))).toBe('python');
    expect(runtimeOf(defineTarget({ ...common, command: ['/usr/local/bin/ruby', 'app.rb'] }))).toBe('ruby');
    expect(runtimeOf(defineTarget({ ...common, command: ['./server'], runtime: 'go' }))).toBe('go');
    expect(usesPython(['x', '--py={python}'])).toBe(true);
    expect(usesPython(['python3'])).toBe(false);
  });
});
