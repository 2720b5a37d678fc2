import type { RunData } from '../model.ts';
import { stageLabel } from '../format.ts';

/** Colours for targets in manifest order, shared by every chart and the headline badges. */
const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#e45756', '#72b7b2', '#9d755d', '#eeca3b', '#ff9da6', '#bab0ac'];

export interface StageMark {
  index: number;
  label: string;
  at: number;
  /** End of the ramp: stats cover [steadyFrom, end). */
  steadyFrom: number;
  end: number;
}

/** What every chart shares: the target colour domain, the time axis and the stage boundaries. */
export interface ChartContext {
  targets: { name: string; color: string; hasData: boolean }[];
  stages: StageMark[];
  duration: number;
  model: 'closed' | 'open';
}

export const targetColor = (i: number): string => PALETTE[i % PALETTE.length] ?? '#888';

function stageMarks(run: RunData, duration: number): StageMark[] {
  const measured = run.targets.find((t) => t.stages.length > 0)?.stages;
  if (measured) {
    return measured.map((s) => ({ index: s.index, label: stageLabel(s.index), at: s.at, steadyFrom: s.steadyFrom, end: s.end }));
  }
  const ps = run.profile.stages;
  return ps.map((s, i) => ({ index: i, label: stageLabel(i), at: s.at, steadyFrom: s.at, end: ps[i + 1]?.at ?? duration }));
}

export function chartContext(run: RunData): ChartContext {
  const lastRow = Math.max(0, ...run.targets.map((t) => (t.series.at(-1)?.t ?? -1) + 1));
  const duration = run.profile.duration ?? (lastRow || 1);
  return {
    targets: run.targets.map((t, i) => ({ name: t.entry.name, color: targetColor(i), hasData: t.series.length > 0 || t.stages.length > 0 })),
    stages: stageMarks(run, duration),
    duration,
    model: run.profile.model,
  };
}
