import { describe, expect, it } from 'vitest';
import { envDifferences, profileHash } from '../../../harness/results/compare-load.ts';
import type { RunManifest } from '../../../harness/results/format.ts';

const manifest = (over: Partial<RunManifest> = {}): RunManifest => ({
  schemaVersion: 2, runId: 'r', startedAt: '', finishedAt: null, complete: true, gitCommit: 'abc', node: 'v20.1.0', cpuModel: 'CPU', cores: 2,
  os: 'linux', work: 'block', seed: 1, profile: { name: 'p', stages: [{ at: 0, users: 5 }] }, profileSource: 'p', targets: [], ...over,
});

describe('envDifferences', () => {
  it('finds none between the same environment, whatever the key order of the profile', () => {
    expect(envDifferences(manifest(), manifest({ runId: 'other', profile: { stages: [{ users: 5, at: 0 }], name: 'p' } }))).toEqual([]);
  });

  it('names every differing field, the profile by its hash, a missing connection as keep-alive', () => {
    const b = manifest({ gitCommit: 'def', node: 'v22.0.0', cpuModel: 'Other', cores: 4, work: 'sleep', seed: 2, profile: { name: 'p', stages: [] }, connection: 'close' });
    expect(envDifferences(manifest(), b)).toEqual([
      { field: 'commit', base: 'abc', new: 'def' }, { field: 'node', base: 'v20.1.0', new: 'v22.0.0' }, { field: 'cpuModel', base: 'CPU', new: 'Other' },
      { field: 'cores', base: '2', new: '4' }, { field: 'work', base: 'block', new: 'sleep' }, { field: 'seed', base: '1', new: '2' },
      { field: 'profileHash', base: profileHash(manifest().profile), new: profileHash({ name: 'p', stages: [] }) },
      { field: 'connection', base: 'keep-alive', new: 'close' },
    ]);
    expect(profileHash({ a: 1 })).toMatch(/^[0-9a-f]{12}$/);
    expect(profileHash({ a: 1 })).not.toBe(profileHash({ a: 2 }));
    // Thresholds judge a run afterwards; they do not change the load it sent.
    expect(profileHash({ a: 1, thresholds: ['p95<300ms'] })).toBe(profileHash({ a: 1 }));
  });
});

describe('envDifferences: driver', () => {
  it('names a run of the built-in driver (or an older run) against a Locust run', () => {
    expect(envDifferences(manifest(), manifest({ driver: 'locust, 2 workers' }))).toEqual([{ field: 'driver', base: 'lab', new: 'locust, 2 workers' }]);
  });
});
