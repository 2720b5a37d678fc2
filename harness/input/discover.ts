import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTargetDefinition, targetDefinitionSchema, type TargetDefinition } from '../../targets/lib/define.ts';
import { isProfileDefinition, profileSchemaFor, type Profile } from '../../profiles/lib/define.ts';
import { LabError, labErrorMap, messageOf, showValue, zodMessage } from '../errors.ts';
import { ROOT } from '../paths.ts';
import { expandSelection } from './groups.ts';
import { profileThresholds } from './thresholds.ts';

export const TARGETS_DIR = path.join(ROOT, 'targets');
export const PROFILES_DIR = path.join(ROOT, 'profiles');

export interface FoundTarget { definition: TargetDefinition; file: string }
export interface FoundProfile { profile: Profile; file: string; source: string }

/** The `.ts` files directly in a folder: its subfolders hold shared code, not variants. */
async function entries(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts')).sort().map((n) => path.join(dir, n));
}

async function importDefault(file: string, what: string): Promise<unknown> {
  try {
    return ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (err) {
    throw new LabError('BAD_INPUT', `${what} ${relative(file)}: failed to load: ${loadFailure(err)}`, { cause: err });
  }
}

const relative = (file: string) => path.relative(process.cwd(), file) || file;

/**
 * Why an import failed, in one line. esbuild's syntax errors say "Transform failed with 1 error:"
 * on the first line and the place on the next (`/abs/file.ts:4:15: ERROR: Expected …`).
 */
export function loadFailure(err: unknown): string {
  const lines = messageOf(err).split('\n');
  const place = /^(.+?):(\d+):(\d+): ERROR: (.+)$/.exec(lines[1] ?? '');
  if (/^Transform failed with \d+ error/.test(lines[0] ?? '') && place) {
    return `syntax error at ${relative(place[1]!)}:${place[2]}:${place[3]}: ${place[4]}`;
  }
  return lines[0] ?? '';
}

/** A target definition's fields, checked; a mistake is one line naming the field (`subject: field …`). */
export function validateTarget(def: object, subject: string): void {
  const parsed = targetDefinitionSchema.safeParse({ ...def }, { errorMap: labErrorMap });
  if (!parsed.success) throw new LabError('BAD_INPUT', zodMessage(subject, parsed.error, def));
}

/** A profile as written, checked against its model's schema; a mistake is one line naming the field. */
export function validateProfile(def: object, subject: string): Profile {
  // Each model has its own schema; an unknown model would otherwise be reported as "must be closed".
  const model = (def as { model?: unknown }).model;
  if (model !== undefined && model !== 'closed' && model !== 'open') {
    throw new LabError('BAD_INPUT', `${subject}: model must be "closed" or "open", got ${showValue(model)}`);
  }
  const parsed = profileSchemaFor(def).safeParse({ ...def }, { errorMap: labErrorMap });
  if (!parsed.success) throw new LabError('BAD_INPUT', zodMessage(subject, parsed.error, def));
  profileThresholds(parsed.data, subject);
  return parsed.data;
}

export async function loadTargetFile(file: string): Promise<FoundTarget> {
  const def = await importDefault(file, 'target file');
  if (!isTargetDefinition(def)) {
    throw new LabError('BAD_INPUT', `target file ${relative(file)}: default export must be defineTarget({...})`);
  }
  validateTarget(def, `target ${String(def.name ?? file)}`);
  return { definition: def, file };
}

export async function discoverTargets(dir = TARGETS_DIR): Promise<FoundTarget[]> {
  const found: FoundTarget[] = [];
  for (const file of await entries(dir)) found.push(await loadTargetFile(file));
  refuseTwice(found.map((t) => ({ name: t.definition.name, where: relative(t.file) })), 'target');
  return found;
}

export async function loadProfileFile(file: string): Promise<FoundProfile> {
  const def = await importDefault(file, 'profile file');
  if (!isProfileDefinition(def)) {
    throw new LabError('BAD_INPUT', `profile file ${relative(file)}: default export must be defineProfile({...})`);
  }
  const name = typeof (def as { name?: unknown }).name === 'string' ? (def as { name: string }).name : path.basename(file, '.ts');
  return { profile: validateProfile(def, `profile ${name}`), file, source: name };
}

export async function discoverProfiles(dir = PROFILES_DIR): Promise<FoundProfile[]> {
  const found: FoundProfile[] = [];
  for (const file of await entries(dir)) found.push(await loadProfileFile(file));
  refuseTwice(found.map((p) => ({ name: p.profile.name, where: relative(p.file) })), 'profile');
  return found;
}

/** Two things with one name (results folders are named after targets; `--profile` picks by name): refuse. */
function refuseTwice(items: { name: string; where: string }[], what: 'profile' | 'target', flag = ''): void {
  const seen = new Map<string, string>();
  for (const { name, where } of items) {
    // Folder names must differ on case-insensitive file systems too.
    const key = name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      const places = first === where ? where : `${first} and ${where}`;
      throw new LabError('BAD_INPUT', `${flag}${what} name "${name}" is ${flag ? 'selected' : 'defined'} twice (${places}); each ${what} needs its own name`);
    }
    seen.set(key, where);
  }
}

/** `--profile launch` (the name `--list` shows) or `--profile ./my-profile.ts`. */
export async function resolveProfile(nameOrFile: string, dir = PROFILES_DIR): Promise<FoundProfile> {
  if (nameOrFile.endsWith('.ts') || nameOrFile.includes('/')) {
    return loadProfileFile(path.resolve(nameOrFile));
  }
  const all = await discoverProfiles(dir);
  const found = all.find((p) => p.profile.name === nameOrFile);
  if (!found) {
    throw new LabError('BAD_INPUT', `--profile: unknown profile "${nameOrFile}" (known: ${all.map((p) => p.profile.name).join(', ')})`);
  }
  return found;
}

/**
 * `--targets a,python,./my-target.ts`: names, group names (harness/input/groups.ts) and files;
 * no selection means the `default` group. Two with one name are refused (a group and one
 * of its members named beside it are one selection, not two).
 */
export async function resolveTargets(selection: string[] | undefined, dir = TARGETS_DIR): Promise<FoundTarget[]> {
  const known = await discoverTargets(dir);
  const byName = new Map(known.map((k) => [k.definition.name, k]));
  const defs = known.map((k) => k.definition);
  if (!selection) return expandSelection(undefined, defs).map((n) => byName.get(n)!);
  const picked: FoundTarget[] = [];
  const grouped = new Set<string>();
  // Keep the user's order: it is the order targets run in; a group runs its members where it is named.
  for (const s of selection) {
    if (s.endsWith('.ts')) picked.push(await loadTargetFile(path.resolve(s)));
    else for (const n of expandSelection([s], defs, picked.map((p) => p.definition.name), grouped)) picked.push(byName.get(n)!);
  }
  refuseTwice(picked.map((t) => ({ name: t.definition.name, where: relative(t.file) })), 'target', '--targets: ');
  return picked;
}
