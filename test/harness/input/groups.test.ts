import { describe, expect, it } from 'vitest';
import { expandSelection, groupIndex } from '../../../harness/input/groups.ts';

const known = [
  { name: 'express-dev' }, { name: 'fastify' },
  { name: 'flask-dev', groups: ['python'] }, { name: 'waitress', groups: ['python', 'wsgi'] },
];

describe('target groups', () => {
  it('selects the targets without a group by default, so adding a Python server keeps the default run as it was', () => {
    expect(expandSelection(undefined, known)).toEqual(['express-dev', 'fastify']);
  });

  it('expands a group to its members in discovery order, and all to everything', () => {
    expect(expandSelection(['python'], known)).toEqual(['flask-dev', 'waitress']);
    expect(expandSelection(['all'], known)).toEqual(['express-dev', 'fastify', 'flask-dev', 'waitress']);
    expect(expandSelection(['wsgi'], known)).toEqual(['waitress']);
  });

  it('keeps the user order and does not repeat a group member already picked', () => {
    expect(expandSelection(['waitress', 'python', 'express-dev'], known)).toEqual(['waitress', 'flask-dev', 'express-dev']);
    expect(expandSelection(['python'], known, ['flask-dev'])).toEqual(['waitress']);
  });

  it('a member named after its group is already selected: python,waitress is python, and all,fastify is all', () => {
    expect(expandSelection(['python', 'waitress'], known)).toEqual(['flask-dev', 'waitress']);
    expect(expandSelection(['all', 'fastify'], known)).toEqual(['express-dev', 'fastify', 'flask-dev', 'waitress']);
    const grouped = new Set<string>();
    expect(expandSelection(['wsgi'], known, [], grouped)).toEqual(['waitress']);
    expect(expandSelection(['waitress'], known, ['waitress'], grouped)).toEqual([]);
    expect(expandSelection(['express-dev', 'express-dev'], known)).toEqual(['express-dev', 'express-dev']);
  });

  it('refuses an unknown name with one line listing the targets and groups', () => {
    expect(() => expandSelection(['pyton'], known)).toThrow(/^--targets: unknown target or group "pyton" \(targets: express-dev, fastify, flask-dev, waitress; groups: default, all, python, wsgi\)$/);
  });

  it('refuses a target whose name is also a group name', () => {
    expect(() => groupIndex([...known, { name: 'python' }])).toThrow(/target python: its name is also a group's name/);
  });
});
