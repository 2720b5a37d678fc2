/**
 * Locust's own user count per profile second, from the master's `<csv>_stats_history.csv`
 * (`--csv-full-history`: one "Aggregated" row a second, stamped in whole epoch seconds, with the
 * users the workers last reported). Null where no row fell. Pure, for the tests.
 */
export function usersFromHistory(csv: string, startUs: number, seconds: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: seconds }, () => null);
  const [head, ...lines] = csv.split('\n');
  const cols = (head ?? '').split(',');
  const at = cols.indexOf('Timestamp');
  const users = cols.indexOf('User Count');
  const name = cols.indexOf('Name');
  if (at < 0 || users < 0 || name < 0) return out;
  for (const line of lines) {
    const f = line.split(',');
    if (f[name] !== 'Aggregated') continue;
    // Stamped with the whole second it was written in: nearest profile second.
    const k = Math.round(Number(f[at]) - startUs / 1e6);
    const n = Number(f[users]);
    if (Number.isInteger(k) && k >= 0 && k < seconds && Number.isFinite(n)) out[k] = n;
  }
  return out;
}
