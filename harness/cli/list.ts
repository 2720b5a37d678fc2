import { discoverProfiles, discoverTargets } from '../input/discover.ts';
import { concurrencyOf } from '../input/concurrency.ts';
import { DEFAULT_GROUP, groupIndex } from '../input/groups.ts';

/** `--list`: the targets and profiles found, by the names `--targets` and `--profile` take. */
export async function listText(targetsDir?: string, profilesDir?: string): Promise<string> {
  const targets = await discoverTargets(targetsDir);
  const profiles = await discoverProfiles(profilesDir);
  return [
    'Targets (targets/*.ts):',
    ...targets.map((t) => `  ${t.definition.name.padEnd(20)} ${(t.definition.groups ?? [DEFAULT_GROUP]).join(',').padEnd(8)} concurrency ${String(concurrencyOf(t, undefined).concurrency || 'unbounded').padEnd(9)} ${t.definition.description}`),
    `  (--targets takes names, files or groups: ${[...groupIndex(targets.map((t) => t.definition)).keys()].join(', ')}; default: ${DEFAULT_GROUP})`,
    '',
    'Profiles (profiles/*.ts):',
    ...profiles.map((p) => `  ${p.profile.name.padEnd(18)} ${p.profile.model.padEnd(6)} ${String(p.profile.duration).padStart(4)} s  ${p.profile.description}`),
  ].join('\n');
}
