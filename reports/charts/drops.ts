import type { IntervalRow, TargetEntry } from '../../harness/results/format.ts';
import { fmtNum } from '../format.ts';
import type { SeriesPoint } from './series.ts';

/** The errors chart's names for why an arrival was never sent (open model), as its legend shows them. */
export const DROP_CAP = 'dropped: in-flight cap full';
export const DROP_LATE = 'dropped: generator late';
/** Run folders written before 2026-11-29 kept only each second's total: the cause is unknown, not "0 late". */
export const DROP_UNKNOWN = 'dropped: cause not recorded';

/** One point's drops as [kind, count] by cause, counts > 0 only. */
export function dropsByCause(p: Pick<SeriesPoint, 'dropped' | 'droppedLate'>): [kind: string, count: number][] {
  if (!(p.dropped > 0)) return [];
  if (p.droppedLate === null) return [[DROP_UNKNOWN, p.dropped]];
  const late = Math.min(p.droppedLate, p.dropped);
  const parts: [string, number][] = [[DROP_CAP, Math.round((p.dropped - late) * 100) / 100], [DROP_LATE, late]];
  return parts.filter(([, n]) => n > 0);
}

export interface DropTally {
  /** Seconds with at least one drop. */
  seconds: number;
  dropped: number;
  late: number;
  cap: number;
  /** Drops in rows that predate the split (no droppedLate). */
  unknown: number;
}

export function tallyDrops(rows: readonly IntervalRow[]): DropTally {
  const t: DropTally = { seconds: 0, dropped: 0, late: 0, cap: 0, unknown: 0 };
  for (const r of rows) {
    if (!(r.dropped > 0)) continue;
    t.seconds++;
    t.dropped += r.dropped;
    if (typeof r.droppedLate !== 'number') t.unknown += r.dropped;
    else {
      t.late += r.droppedLate;
      t.cap += r.dropped - r.droppedLate;
    }
  }
  return t;
}

const arrivals = (n: number) => `${fmtNum(n)} arrival${n === 1 ? '' : 's'}`;

/** Which cause had more of the drops whose cause is known. */
function dominant(late: number, cap: number): string {
  if (late === 0) return 'all of them with the in-flight cap full: the server held every slot';
  if (cap === 0) return 'all of them the generator\'s own lag: in those seconds the lab, not the server, was the limit';
  if (late > cap) return 'mostly the generator\'s own lag: in those seconds the lab, not the server, was the limit';
  if (cap > late) return 'mostly the in-flight cap: the server held every slot';
  return 'as many of each';
}

/** One sentence for a target that dropped arrivals: how many, in how many seconds, by cause, and which cause dominated. */
export function dropSentence(name: string, t: DropTally, entry?: Pick<TargetEntry, 'openDrive'>): string {
  const head = `${name} dropped ${arrivals(t.dropped)} in ${fmtNum(t.seconds)} s`;
  if (t.unknown === t.dropped) {
    const run = entry?.openDrive;
    const totals = typeof run?.droppedLate === 'number' && typeof run.droppedAtCap === 'number'
      ? ` (the run's totals: ${fmtNum(run.droppedAtCap)} at the in-flight cap, ${fmtNum(run.droppedLate)} late by the generator — ${dominant(run.droppedLate, run.droppedAtCap)})`
      : '';
    return `${head}; this run folder predates the per-second split, so each second's cause is unknown${totals}.`;
  }
  const rest = t.unknown > 0 ? `, ${fmtNum(t.unknown)} in seconds without a recorded cause` : '';
  return `${head}: ${fmtNum(t.cap)} with the in-flight cap full, ${fmtNum(t.late)} with the generator late${rest} — ${dominant(t.late, t.cap)}.`;
}

/** The errors chart's text on drops (open model): one sentence per target that dropped, or that none did. */
export function dropCauseText(targets: readonly { entry: Pick<TargetEntry, 'name' | 'openDrive'>; series: IntervalRow[] }[]): string {
  const lines = targets.map((t) => ({ t, tally: tallyDrops(t.series) })).filter(({ tally }) => tally.dropped > 0)
    .map(({ t, tally }) => dropSentence(t.entry.name, tally, t.entry));
  return lines.length ? lines.join(' ') : 'No arrival was dropped.';
}
