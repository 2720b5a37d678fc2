import type { FigureRun } from './figure.ts';
import { PLACEMENT_TEXT } from './placement.ts';
import type { SideResult } from './side-types.ts';
import { alignColumns } from '../../harness/cli/table.ts';

export interface MachineLine {
  date: string;
  cpuModel: string;
  cores: number;
  node: string;
  os: string;
  gitCommit: string | null;
}

const COLUMNS: [string, (r: SideResult) => string][] = [
  ['generator', (r) => r.tool],
  ['req/s', (r) => String(r.rps)],
  ['requests', (r) => String(r.requests)],
  ['errors', (r) => String(r.errors)],
  ['dropped', (r) => String(r.dropped)],
  ['CPU µs/req', (r) => num(r.cpuUsPerRequest)],
  ['p50 ms', (r) => num(r.latency.p50)],
  ['p90 ms', (r) => num(r.latency.p90)],
  ['p99 ms', (r) => num(r.latency.p99)],
  ['max ms', (r) => num(r.latency.max)],
];

const num = (x: number | null | undefined) => (x === null || x === undefined ? '–' : String(x));

export function formatHeader(m: MachineLine): string {
  return `loadlab bench  ${m.date}\nmachine: ${m.cpuModel}, ${m.cores} cores, ${m.os}; node ${m.node}; commit ${m.gitCommit ?? 'unknown'}`;
}

/** One figure as a small aligned table, its one-line result and its notes. */
export function formatFigure(f: FigureRun, label: string): string {
  const cells = [COLUMNS.map(([h]) => h), ...f.rows.map((r) => COLUMNS.map(([, get]) => get(r)))];
  const lines = alignColumns(cells).split('\n');
  const verdict = f.met === null ? 'not judged' : f.met ? 'goal met' : 'goal MISSED';
  return [
    `${label} ${f.title}${f.placement === 'free' ? '' : `; ${PLACEMENT_TEXT[f.placement]} (taskset)`}`,
    ...lines.map((l) => `  ${l}`),
    `  → ${f.summary} — ${verdict}`,
    ...f.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}
