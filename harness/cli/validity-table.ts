import type { Summary } from '../results/format.ts';

/**
 * The run's validity for the terminal: "validity: valid", or "validity: SUSPECT" with one line per
 * failed check; each target's Little's-law figures follow when asked for (`detail`) or when suspect.
 */
export function formatValidity(summary: Summary): string {
  const v = summary.validity;
  if (!v) return 'validity: not checked (a run folder without it)';
  const lines = [v.verdict === 'valid' ? 'validity: valid — the lab\'s own figures agree (Little\'s law, offered load, generator, errors)' : 'validity: SUSPECT — the figures above may not describe the server:'];
  for (const why of v.why) lines.push(`  - ${why}`);
  for (const t of summary.targets) {
    const little = t.validity?.checks.find((c) => c.check === 'littles-law');
    if (little && (little.ok !== false)) lines.push(`  ${t.name}: ${little.detail}`);
  }
  return lines.join('\n');
}
