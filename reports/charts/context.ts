import type { RunData } from '../../harness/results/run-data.ts';
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

/** `#rrggbb` mixed with white by `amount` (0–1): a later repeat is a lighter shade of its target's colour. */
export function lighten(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0');
  return `#${mix((n >> 16) & 255)}${mix((n >> 8) & 255)}${mix(n & 255)}`;
}

/**
 * Colour of each target on the page, in manifest order. With --repeat, the repeats of one target
 * share its hue (repeat 1 full, later ones lighter), so the eye groups them.
 */
export function targetColors(run: Pick<RunData, 'targets'>): Map<string, string> {
  const bases: string[] = [];
  const out = new Map<string, string>();
  for (const t of run.targets) {
    const base = t.base ?? t.entry.name;
    if (!bases.includes(base)) bases.push(base);
    const color = targetColor(bases.indexOf(base));
    const k = t.repeat ?? 1;
    out.set(t.entry.name, k > 1 ? lighten(color, Math.min(0.6, 0.3 * (k - 1))) : color);
  }
  return out;
}

/** A target's colour by its name on the page (grey for a name the run does not have). */
export const colorOf = (run: Pick<RunData, 'targets'>, name: string): string => targetColors(run).get(name) ?? '#888888';

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
    targets: run.targets.map((t) => ({ name: t.entry.name, color: colorOf(run, t.entry.name), hasData: t.series.length > 0 || t.stages.length > 0 })),
    stages: stageMarks(run, duration),
    duration,
    model: run.profile.model,
  };
}
