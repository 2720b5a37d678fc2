import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTargetDefinition, targetDefinitionSchema, type TargetDefinition } from '../../targets/lib/define.ts';
import { isProfileDefinition, profileSchemaFor, type Profile } from '../../profiles/lib/define.ts';
import { LabError, labErrorMap, zodMessage } from '../errors.ts';
import { ROOT } from '../paths.ts';

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
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LabError('BAD_INPUT', `${what} ${path.relative(process.cwd(), file) || file}: failed to load: ${msg}`, { cause: err });
  }
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
    throw new LabError('BAD_INPUT', `${subject}: model must be "closed" or "open", got ${JSON.stringify(model)}`);
  }
  const parsed = profileSchemaFor(def).safeParse({ ...def }, { errorMap: labErrorMap });
  if (!parsed.success) throw new LabError('BAD_INPUT', zodMessage(subject, parsed.error, def));
  return parsed.data;
}

export async function loadTargetFile(file: string): Promise<FoundTarget> {
  const def = await importDefault(file, 'target file');
  if (!isTargetDefinition(def)) {
    throw new LabError('BAD_INPUT', `target file ${path.relative(process.cwd(), file)}: default export must be defineTarget({...})`);
  }
  validateTarget(def, `target ${String(def.name ?? file)}`);
  return { definition: def, file };
}

export async function discoverTargets(dir = TARGETS_DIR): Promise<FoundTarget[]> {
  const found: FoundTarget[] = [];
  for (const file of await entries(dir)) found.push(await loadTargetFile(file));
  const seen = new Set<string>();
  for (const t of found) {
    if (seen.has(t.definition.name)) throw new LabError('BAD_INPUT', `target name "${t.definition.name}" is defined twice`);
    seen.add(t.definition.name);
  }
  return found;
}

export async function loadProfileFile(file: string): Promise<FoundProfile> {
  const def = await importDefault(file, 'profile file');
  if (!isProfileDefinition(def)) {
    throw new LabError('BAD_INPUT', `profile file ${path.relative(process.cwd(), file)}: default export must be defineProfile({...})`);
  }
  const name = typeof (def as { name?: unknown }).name === 'string' ? (def as { name: string }).name : path.basename(file, '.ts');
  return { profile: validateProfile(def, `profile ${name}`), file, source: name };
}

export async function discoverProfiles(dir = PROFILES_DIR): Promise<FoundProfile[]> {
  const found: FoundProfile[] = [];
  for (const file of await entries(dir)) found.push(await loadProfileFile(file));
  return found;
}

/** `--profile launch` or `--profile ./my-profile.ts`. */
export async function resolveProfile(nameOrFile: string): Promise<FoundProfile> {
  if (nameOrFile.endsWith('.ts') || nameOrFile.includes('/')) {
    return loadProfileFile(path.resolve(nameOrFile));
  }
  const file = path.join(PROFILES_DIR, `${nameOrFile}.ts`);
  const all = await entries(PROFILES_DIR);
  if (!all.includes(file)) {
    const names = all.map((f) => path.basename(f, '.ts')).join(', ');
    throw new LabError('BAD_INPUT', `--profile: unknown profile "${nameOrFile}" (known: ${names})`);
  }
  return loadProfileFile(file);
}

/** `--targets a,b,./my-target.ts`; no selection means every target found. */
export async function resolveTargets(selection: string[] | undefined): Promise<FoundTarget[]> {
  const files = selection?.filter((s) => s.endsWith('.ts')) ?? [];
  const names = selection?.filter((s) => !s.endsWith('.ts'));
  const known = await discoverTargets();
  const picked: FoundTarget[] = [];
  if (!selection) return known;
  for (const name of names ?? []) {
    const t = known.find((k) => k.definition.name === name);
    if (!t) throw new LabError('BAD_INPUT', `--targets: unknown target "${name}" (known: ${known.map((k) => k.definition.name).join(', ')})`);
    picked.push(t);
  }
  for (const f of files) picked.push(await loadTargetFile(path.resolve(f)));
  // Keep the user's order: it is the order targets run in.
  return selection.map((s) => picked.find((p) => (s.endsWith('.ts') ? p.file === path.resolve(s) : p.definition.name === s))!);
}
