import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../harness/cli/args.ts';
import { discoverProfiles, resolveProfile } from '../../harness/input/discover.ts';
import type { ClosedProfile, OpenProfile } from '../../profiles/lib/define.ts';

/** The profiles in profiles/, loaded and validated the way `--profile NAME` does. */
describe('the shipped profiles', () => {
  it('all load, each under its own name', async () => {
    const names = (await discoverProfiles()).map((p) => p.profile.name);
    expect(names).toEqual(expect.arrayContaining(['launch', 'step', 'open-ramp', 'smoke']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('each description states the duration it runs for', async () => {
    for (const { profile } of await discoverProfiles()) expect(profile.description, profile.name).toMatch(new RegExp(`\\(${profile.duration} s\\)$`));
  });

  it('launch: 5 → 15 → 40 users, then 20, over 90 s', async () => {
    const p = (await resolveProfile('launch')).profile as ClosedProfile;
    expect(p.model).toBe('closed');
    expect(p.duration).toBe(90);
    expect(p.stages.map((s) => [s.at, s.users])).toEqual([[0, 5], [20, 15], [40, 40], [70, 20]]);
  });

  it('slo: the launch load, with the thresholds a CI gate judges it by (the default profile stays launch, without any)', async () => {
    const slo = (await resolveProfile('slo')).profile as ClosedProfile;
    const launch = (await resolveProfile('launch')).profile as ClosedProfile;
    expect({ ...slo, name: launch.name, description: launch.description, stages: slo.stages.map(({ name: _, ...s }) => s), thresholds: undefined })
      .toEqual({ ...launch, thresholds: undefined });
    expect(slo.stages.map((s) => s.name)).toEqual(['start', 'growth', 'peak', 'settle']);
    expect(slo.thresholds).toEqual([
      { metric: 'p95', op: '<', value: '500ms', scope: 'every-stage' },
      { metric: 'rps', op: '>=', value: '0.85*offered', scope: 'stage=peak' },
      'errors<1%',
    ]);
    expect(launch.thresholds).toBeUndefined();
    expect(parseLabArgs([]).profile).toBe('launch');
  });

  it('step: +10 users every 30 s up to 50, over 150 s', async () => {
    const p = (await resolveProfile('step')).profile as ClosedProfile;
    expect(p.duration).toBe(150);
    expect(p.stages.map((s) => [s.at, s.users])).toEqual([[0, 10], [30, 20], [60, 30], [90, 40], [120, 50]]);
  });

  it('open-ramp: an open model, 10 req/s ramping to 45 and back to 15, over 70 s', async () => {
    const p = (await resolveProfile('open-ramp')).profile as OpenProfile;
    expect(p.model).toBe('open');
    expect(p.duration).toBe(70);
    expect(p.stages.map((s) => s.rate)).toEqual([10, 45, 45, 15]);
    expect(p.stages[1]).toMatchObject({ at: 15, from: 10 });
  });

  it('smoke: 2 users, then 20, over 10 s with a short warm-up (the tests\' profile)', async () => {
    const p = (await resolveProfile('smoke')).profile as ClosedProfile;
    expect(p.duration).toBe(10);
    expect(p.warmupSeconds).toBe(1);
    expect(p.stages.map((s) => [s.at, s.users])).toEqual([[0, 2], [4, 20]]);
  });
});
