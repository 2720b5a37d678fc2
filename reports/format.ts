// Hand-rolled instead of toLocaleString so the page is byte-identical on every machine.

const group = (s: string): string => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234.5 → "1,235"; 12.34 → "12.3"; 1.234 → "1.23". */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  const [int = '', frac] = x.toFixed(digits).split('.');
  const trimmed = frac?.replace(/0+$/, '');
  return group(int) + (trimmed ? `.${trimmed}` : '');
}

export const fmtMs = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${fmtNum(x)} ms`);
export const fmtRps = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${fmtNum(x)} req/s`);
export const fmtPct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${fmtNum(x)}%`);

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fmtNum(n / 1024)} KB`;
  return `${fmtNum(n / 1024 / 1024)} MB`;
}

/** Stages are numbered from 1 on the page; `index` in the JSON files is 0-based. */
export const stageLabel = (index: number): string => `S${index + 1}`;
