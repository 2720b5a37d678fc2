import { LabError } from '../errors.ts';

/** The selection when `--targets` is not given: the targets that name no group. */
export const DEFAULT_GROUP = 'default';
/** Every target found. */
export const ALL_GROUP = 'all';

export interface Groupable { name: string; groups?: string[] | undefined }

export const groupsOf = (t: Groupable): string[] => [...(t.groups ?? [DEFAULT_GROUP]), ALL_GROUP];

/** Group name → its targets' names, in discovery order (`default` and `all` included). */
export function groupIndex(known: readonly Groupable[]): Map<string, string[]> {
  const index = new Map<string, string[]>([[DEFAULT_GROUP, []], [ALL_GROUP, []]]);
  for (const t of known) for (const g of groupsOf(t)) index.set(g, [...(index.get(g) ?? []), t.name]);
  for (const t of known) {
    if (index.has(t.name)) throw new LabError('BAD_INPUT', `target ${t.name}: its name is also a group's name; rename the target or the group`);
  }
  return index;
}

/**
 * `--targets` items → target names, in the user's order. A group expands to its members in
 * discovery order, leaving out members already picked (`already` or earlier items); a target
 * named explicitly is kept as written, unless a group already brought it in (`python,waitress`
 * is `python`). `grouped` collects the names a group brought in, across calls.
 */
export function expandSelection(selection: readonly string[] | undefined, known: readonly Groupable[], already: readonly string[] = [], grouped = new Set<string>()): string[] {
  const index = groupIndex(known);
  if (!selection) return index.get(DEFAULT_GROUP)!;
  const out: string[] = [];
  const seen = (m: string) => out.includes(m) || already.includes(m);
  for (const item of selection) {
    const members = index.get(item);
    if (members) {
      const added = members.filter((m) => !seen(m));
      out.push(...added);
      for (const m of added) grouped.add(m);
    } else if (known.some((k) => k.name === item)) {
      if (!grouped.has(item)) out.push(item);
    } else {
      const groups = [...index.keys()].join(', ');
      throw new LabError('BAD_INPUT', `--targets: unknown target or group "${item}" (targets: ${known.map((k) => k.name).join(', ')}; groups: ${groups})`);
    }
  }
  return out;
}
