import { resolveProfile, resolveTargets, type FoundProfile, type FoundTarget } from '../input/discover.ts';
import { checkTargets } from '../input/concurrency.ts';
import { externalTarget, type ExternalTarget } from '../spawn/external.ts';
import type { LabFlags } from './args.ts';
import { modeName } from './modes.ts';

/** What the flags ask for, loaded and checked: every bad input is refused here, before a folder is made. */
export type RunInput =
  | { kind: 'profile'; profile: FoundProfile; targets: (FoundTarget | ExternalTarget)[]; folderSuffix: string }
  | { kind: 'modes'; targets: FoundTarget[]; folderSuffix: string };

export async function resolveRunInput(flags: LabFlags): Promise<RunInput> {
  const found = await resolveProfile(flags.profile);
  const timeoutMs = flags['timeout-ms'];
  const connection = flags.connection;
  const withTimeout = timeoutMs === undefined ? found : { ...found, profile: { ...found.profile, timeoutMs } };
  const profile = connection === undefined ? withTimeout : { ...withTimeout, profile: { ...withTimeout.profile, connection } };
  const mode = modeName(flags);
  if (mode !== null) {
    // --url is refused with these modes (args.ts), so the targets are always the lab's own.
    const targets = await resolveTargets(flags.targets);
    checkTargets(targets, flags.size);
    return { kind: 'modes', targets, folderSuffix: mode };
  }
  if (flags.url !== undefined) return { kind: 'profile', profile, targets: [externalTarget(flags.url, flags['allow-remote'])], folderSuffix: profile.profile.name };
  const targets = await resolveTargets(flags.targets);
  checkTargets(targets, flags.size);
  return { kind: 'profile', profile, targets, folderSuffix: profile.profile.name };
}
