import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../../harness/cli/args.ts';

describe('parseLabArgs: --driver, --workers, --export', () => {
  it('defaults to the built-in driver', () => {
    const f = parseLabArgs([]);
    expect([f.driver, f.workers, f.export]).toEqual([['lab'], undefined, undefined]);
  });

  it('reads one driver or both, and the workers', () => {
    expect(parseLabArgs(['--driver', 'locust', '--workers', '4'])).toMatchObject({ driver: ['locust'], workers: 4 });
    expect(parseLabArgs(['--driver', 'lab,locust']).driver).toEqual(['lab', 'locust']);
  });

  it('refuses an unknown or repeated driver, workers without Locust, and out-of-range workers', () => {
    expect(() => parseLabArgs(['--driver', 'k6'])).toThrow('--driver: expected lab, locust or lab,locust, got "k6"');
    expect(() => parseLabArgs(['--driver', 'locust,locust'])).toThrow(/--driver: expected/);
    expect(() => parseLabArgs(['--workers', '2'])).toThrow('--workers: only applies with --driver locust');
    expect(() => parseLabArgs(['--driver', 'locust', '--workers', '0'])).toThrow('--workers: must be ≥ 1');
    expect(() => parseLabArgs(['--driver', 'locust', '--capacity'])).toThrow(/--driver: --capacity uses its own driver/);
    expect(() => parseLabArgs(['--driver', 'lab,locust', '--repeat', '2'])).toThrow(/--repeat: one driver at a time/);
  });

  it('takes --export locust DIR as two values', () => {
    expect(parseLabArgs(['--export', 'locust', '/tmp/b', '--workers', '3', '--profile', 'smoke'])).toMatchObject({ export: { engine: 'locust', dir: '/tmp/b' }, workers: 3, profile: 'smoke' });
    expect(() => parseLabArgs(['--export', 'locust'])).toThrow('--export: expected "--export locust DIR", got "locust"');
    expect(() => parseLabArgs(['--export', 'k6', '/tmp/b'])).toThrow('--export: expected "--export locust DIR", got "k6 /tmp/b"');
    expect(() => parseLabArgs(['--export', 'locust', '/tmp/b', '--targets', 'fastify'])).toThrow(/--export: writes a bundle/);
  });
});
