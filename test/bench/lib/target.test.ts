import { describe, expect, it } from 'vitest';
import { BadInput } from '../../../bench/lib/args.ts';
import { NGINX_MISSING } from '../../../bench/lib/nginx.ts';
import { chooseTarget } from '../../../bench/lib/target.ts';

describe('chooseTarget (--target)', () => {
  it('takes nginx when installed, node with the reason when not', () => {
    expect(chooseTarget(undefined, '/usr/sbin/nginx')).toEqual({ target: 'nginx', note: null });
    const fallback = chooseTarget(undefined, null);
    expect(fallback.target).toBe('node');
    expect(fallback.note).toContain('apt-get install -y nginx-light');
  });

  it('keeps what was asked', () => {
    expect(chooseTarget('node', '/usr/sbin/nginx').target).toBe('node');
    expect(chooseTarget('node', null).target).toBe('node');
    expect(chooseTarget('nginx', '/usr/sbin/nginx').target).toBe('nginx');
  });

  it('refuses other values and a missing nginx with one line naming the flag', () => {
    expect(() => chooseTarget('apache', null)).toThrow(new BadInput('--target: expected nginx or node, got "apache"'));
    expect(() => chooseTarget('nginx', null)).toThrow(new BadInput(`--target: ${NGINX_MISSING}`));
  });
});
