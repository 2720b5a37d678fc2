import { describe, expect, it } from 'vitest';
import { validateTarget } from '../../harness/input/discover.ts';
import { concurrencyOf } from '../../harness/input/concurrency.ts';
import { defineTarget } from '../../targets/lib/define.ts';

const check = (def: object) => {
  try {
    validateTarget(def, 'target t');
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
};
const base = { name: 't', description: 'd' };

describe('defineTarget: the command form', () => {
  it('accepts a command target with every field', () => {
    expect(check(defineTarget({
      ...base, command: ['{python}', 'app.py', '{port}'], cwd: 'python', env: { A: '1' }, ready: '/ready', readyTimeoutSeconds: 5,
      concurrency: () => Infinity, groups: ['python'], requires: [{ python: 'flask', install: 'apt-get install -y python3-flask' }], runtime: 'python',
    }))).toBe('ok');
  });

  it.each([
    [{ ...base }, 'target t: start is required: give start (a Node function) or command (an argv array)'],
    [{ ...base, start: () => {}, command: ['x'] }, 'target t: command cannot be given with start: a target is either a Node start function or a command, got ["x"]'],
    [{ ...base, command: [] }, 'target t: command must have at least 1 item(s), got []'],
    [{ ...base, command: ['x', ''] }, 'target t: command[1] must not be empty, got ""'],
    [{ ...base, command: 'python app.py' }, 'target t: command must be a array, got "python app.py"'],
    [{ ...base, command: ['x'], ready: 'health' }, 'target t: ready must be a path starting with "/", got "health"'],
    [{ ...base, command: ['x'], requires: [{ python: 'flask' }] }, 'target t: requires[0].install is required (string)'],
    [{ ...base, command: ['x'], requires: [{ python: 'flask', program: 'gunicorn', install: 'i' }] }, 'target t: requires[0] needs exactly one of program or python, got {"python":"flask","program":"gunicorn","install":"i"}'],
    [{ ...base, command: ['x'], groups: ['my group'] }, 'target t: groups[0] must be letters, digits, ".", "_" or "-", got "my group"'],
    [{ ...base, start: () => {}, cwd: 'x' }, 'target t: cwd only applies to a command target, got "x"'],
  ])('refuses %j with one line naming the field', (def, message) => {
    expect(check(def)).toBe(message);
  });

  it('records a concurrency of Infinity (a thread per connection) as 0, "no declared bound"', () => {
    const def = defineTarget({ ...base, command: ['x'], concurrency: () => Infinity });
    expect(concurrencyOf({ file: 't.ts', definition: def }, undefined)).toEqual({ size: 1, concurrency: 0 });
  });
});
