/** Columns aligned with two spaces between them: the first left-aligned, the rest right-aligned (numbers). */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** A declared concurrency in words: 0 is "no fixed bound" (a thread per connection) unless the lab did not start the server (--url). */
export const concurrencyText = (concurrency: number, external = false): string =>
  concurrency > 0 ? String(concurrency) : external ? 'unknown' : 'no fixed bound';
