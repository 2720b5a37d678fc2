import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../results/atomic.ts';
import type { SpreadFile, StageStats, SummaryTarget, TargetEntry, TargetState } from '../results/format.ts';
import { compactSpread, medianStages, spreadCsv, spreadFile, spreadTarget, stageSpreads, type RepeatRun } from '../analysis/spread.ts';

/** Upper bound on --repeat: ten runs of a long profile is already an afternoon. */
export const MAX_REPEATS = 10;

export interface PlannedRun<T> {
  target: T;
  /** Position of the target in the user's --targets order. */
  targetIndex: number;
  /** 1-based. */
  repeat: number;
}

/**
 * Interleaved order A B C A B C …: a slow drift of the machine (thermal, a noisy neighbour,
 * a background job) then spreads over every target instead of landing on whichever ran last.
 */
export function repeatPlan<T>(targets: readonly T[], repeats: number): PlannedRun<T>[] {
  return Array.from({ length: repeats }, (_, r) => targets.map((target, targetIndex) => ({ target, targetIndex, repeat: r + 1 }))).flat();
}

/** Repeat 1 keeps the usual folder, so a single run's shape never changes; later ones nest: `X/r2`. */
export function repeatDir(targetDir: string, repeat: number): string {
  return repeat <= 1 ? targetDir : path.posix.join(targetDir, `r${repeat}`);
}

/** How a target's repeats combine into one state: any failure shows, then any interruption. */
export function worstState(states: readonly TargetState[]): TargetState {
  return states.includes('failed') ? 'failed' : states.includes('interrupted') ? 'interrupted' : 'ok';
}

type Summarize = (entry: TargetEntry, stages: StageStats[]) => SummaryTarget;

/**
 * Collects each (target, repeat) as it finishes and rebuilds the per-target view after every
 * one, so the files on disk are always current: summary.json keeps one entry per target whose
 * stages are stage-wise medians (see medianStages) carrying their spread.
 */
export class RepeatBook {
  private readonly runs = new Map<number, { entry: TargetEntry; runs: RepeatRun[] }>();

  constructor(private readonly runId: string, private readonly repeats: number) {}

  add(targetIndex: number, entry: TargetEntry, stages: StageStats[]): void {
    const book = this.runs.get(targetIndex) ?? { entry, runs: [] };
    book.runs.push({ repeat: entry.repeat ?? 1, dir: entry.dir, state: entry.state, stages });
    this.runs.set(targetIndex, book);
  }

  private ordered() {
    return [...this.runs.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  }

  summaryTargets(summarize: Summarize): SummaryTarget[] {
    return this.ordered().map(({ entry, runs }) => {
      const state = worstState(runs.map((r) => r.state));
      const error = state === 'ok' ? null : `${runs.filter((r) => r.state !== 'ok').length} of ${runs.length} repeat(s) ${state}`;
      const base = summarize({ ...entry, state, error }, medianStages(runs));
      const spreads = stageSpreads(runs);
      return {
        ...base,
        repeats: runs.length,
        stages: base.stages.map((s, i) => (spreads[i] ? { ...s, spread: compactSpread(spreads[i]) } : s)),
      };
    });
  }

  spread(): SpreadFile {
    return spreadFile(this.runId, this.repeats, this.ordered().map(({ entry, runs }) => spreadTarget(entry.name, entry.concurrency, runs)));
  }
}

export async function writeSpread(runDir: string, file: SpreadFile): Promise<void> {
  await writeJsonAtomic(path.join(runDir, 'spread.json'), file);
  await writeFileAtomic(path.join(runDir, 'spread.csv'), spreadCsv(file));
}
