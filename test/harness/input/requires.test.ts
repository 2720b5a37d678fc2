import { describe, expect, it } from 'vitest';
import { checkRequirements, findProgram, installLine, missingText, prepareLaunch } from '../../../harness/input/requires.ts';
import { defineTarget } from '../../../targets/lib/define.ts';

const NO_MODULE = { python: 'loadlab_no_such_module_xyz', install: 'apt-get install -y python3-loadlab-nothing' };
const NO_PROGRAM = { program: 'loadlab-no-such-program-xyz', install: 'apt-get install -y loadlab-nothing' };

describe('requirements of a command target', () => {
  it('finds programs on PATH and misses the rest', async () => {
    expect(await findProgram('sh')).toMatch(/\/sh$/);
    expect(await findProgram(NO_PROGRAM.program)).toBeNull();
  });

  it('picks an interpreter that imports the modules (Debian python3 first)', async () => {
    const r = await checkRequirements([{ python: 'json', install: 'x' }], false);
    expect(r).toEqual({ missing: [], python: expect.stringMatching(/python3/) as string });
  });

  it('lists what is missing with its exact install line', async () => {
    const r = await checkRequirements([NO_PROGRAM, { program: 'sh', install: 'x' }, NO_MODULE, { python: 'json', install: 'y' }], false);
    expect(r.python).toBeNull();
    expect(r.missing).toEqual([NO_PROGRAM, NO_MODULE]);
    expect(missingText(r.missing)).toBe('needs program loadlab-no-such-program-xyz (apt-get install -y loadlab-nothing), python module loadlab_no_such_module_xyz (apt-get install -y python3-loadlab-nothing)');
    expect(installLine(r.missing)).toBe('apt-get install -y loadlab-nothing python3-loadlab-nothing');
    expect(installLine([NO_MODULE, { program: 'x', install: 'pip install x' }])).toBe('apt-get install -y python3-loadlab-nothing && pip install x');
  });

  it('skips a command target whose module is missing, with the install line; a Node target is never skipped', async () => {
    const cmd = defineTarget({ name: 'py', description: 'd', command: ['{python}', 'app.py'], requires: [NO_MODULE] });
    expect(await prepareLaunch(cmd, '/x/targets/py.ts')).toEqual({
      skipped: 'needs python module loadlab_no_such_module_xyz (apt-get install -y python3-loadlab-nothing); install with: apt-get install -y python3-loadlab-nothing',
    });
    expect(await prepareLaunch(defineTarget({ name: 'n', description: 'd', start: () => {} }), '/x/targets/n.ts')).toEqual({ skipped: null });
  });

  it('resolves a met command target: cwd relative to its file, default ready path', async () => {
    const cmd = defineTarget({ name: 'py', description: 'd', command: ['{python}', '-V'], cwd: 'python' });
    expect(await prepareLaunch(cmd, '/x/targets/py.ts')).toMatchObject({
      skipped: null, readyPath: '/health', command: ['{python}', '-V'], cwd: '/x/targets/python', python: expect.stringMatching(/python3/) as string,
    });
  });
});
