import { describe, expect, it } from 'vitest';
import { BadInput, targetFlag } from '../../../bench/lib/args.ts';

describe('targetFlag (--target)', () => {
  const allowed = ['nginx', 'node'] as const;

  it('is undefined when not given, the value when allowed', () => {
    expect(targetFlag(undefined, allowed, null)).toBeUndefined();
    expect(targetFlag('node', allowed, 'nginx missing')).toBe('node');
    expect(targetFlag('nginx', allowed, null)).toBe('nginx');
  });

  it('refuses other values and a missing nginx with one line naming the flag', () => {
    expect(() => targetFlag('apache', allowed, null)).toThrow(new BadInput('--target: expected nginx or node, got "apache"'));
    expect(() => targetFlag('nginx', allowed, 'nginx not found')).toThrow(new BadInput('--target: nginx not found'));
  });
});
