import { describe, expect, it } from 'vitest';
import { listText } from '../../../harness/cli/list.ts';
import { discoverProfiles, discoverTargets } from '../../../harness/input/discover.ts';
import { fixture, startLab } from '../../helpers/lab.ts';

describe('--list', () => {
  it('through the CLI: every target with its concurrency, every profile by the name --profile takes; exit 0', async () => {
    const lab = startLab(['--list']);
    expect(await lab.exited).toBe(0);
    expect(lab.stderr()).toBe('');
    const out = lab.stdout();
    expect(out).toMatch(/^Targets \(targets\/\*\.ts\):\n/);
    expect(out).toMatch(/^ {2}express-dev +default +concurrency 1 /m);
    expect(out).toMatch(/^ {2}worker-pool +default +concurrency 4 /m);
    expect(out).toMatch(/^ {2}flask-dev +python +concurrency unbounded /m);
    expect(out).toMatch(/^ {2}\(--targets takes names, files or groups: default, all, fast, python; default: default\)$/m);
    expect(out).toMatch(/^ {2}smoke +closed +10 s {2}Smoke: /m);
    expect(out).toMatch(/^ {2}open-ramp +open +70 s {2}/m);
    // Every target and profile found is listed, in one line each.
    const targets = await discoverTargets();
    const profiles = await discoverProfiles();
    for (const t of targets) expect(out).toMatch(new RegExp(`^  ${t.definition.name} +[a-z,]+ +concurrency`, 'm'));
    for (const p of profiles) expect(out).toContain(`  ${p.profile.name.padEnd(18)} ${p.profile.model}`);
    expect(out.trim().split('\n')).toHaveLength(targets.length + profiles.length + 4);
  });

  it('shows a profile by its name, not its file name', async () => {
    const list = await listText(undefined, fixture('profile-names'));
    expect(list).toMatch(/^ {2}by-name +closed +1 s {2}named apart from its file$/m);
    expect(list).not.toContain('file-name');
  });
});
