import { resolveProfile, resolveTargets, type FoundProfile, type FoundTarget } from '../input/discover.ts';
import { checkTargets } from '../input/concurrency.ts';
import { externalTarget, isExternal, type ExternalTarget } from '../spawn/external.ts';
import type { LabFlags } from './args.ts';
import { modeName } from './modes.ts';
import { checkThresholds, cliThresholds, profileThresholds } from '../input/thresholds.ts';
import type { Threshold } from '../analysis/threshold-parse.ts';
import { checkJunitFile } from './junit.ts';
import { LabError } from '../errors.ts';

/** What the flags ask for, loaded and checked: every bad input is refused here, before a folder is made. */
export type RunInput =
  | { kind: 'profile'; profile: FoundProfile; targets: (FoundTarget | ExternalTarget)[]; folderSuffix: string; thresholds: Threshold[] }
  | { kind: 'modes'; targets: FoundTarget[]; folderSuffix: string };

export async function resolveRunInput(flags: LabFlags): Promise<RunInput> {
  const asserted = cliThresholds(flags.assert);
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
  let targets: (FoundTarget | ExternalTarget)[];
  if (flags.url !== undefined) targets = [externalTarget(flags.url, flags['allow-remote'])];
  else {
    const picked = await resolveTargets(flags.targets);
    checkTargets(picked, flags.size);
    targets = picked;
  }
  const p = profile.profile;
  if (p.model === 'open' && flags.generators > p.maxInFlight) throw new LabError('BAD_INPUT', `--generators: ${flags.generators} threads share profile ${p.name}'s maxInFlight of ${p.maxInFlight}; give at most ${p.maxInFlight}`);
  const thresholds = [...profileThresholds(profile.profile, `profile ${profile.profile.name}`), ...asserted];
  const names = targets.map((t) => (isExternal(t) ? t.name : t.definition.name));
  checkThresholds(thresholds, { targets: names, stages: profile.profile.stages }, profile.profile.name);
  if (flags.junit !== undefined) await checkJunitFile(flags.junit, thresholds.length);
  return { kind: 'profile', profile, targets, folderSuffix: profile.profile.name, thresholds };
}
