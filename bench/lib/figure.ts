import type { Placement } from './placement.ts';
import type { MaxRateTarget } from './target.ts';
import type { SideResult } from './side-types.ts';

export const FIGURES = ['efficiency', 'open', 'accuracy', 'omission', 'memory'] as const;
export type FigureName = (typeof FIGURES)[number];

/**
 * Each figure's placement unless `--placement` says otherwise (placement.ts). Only the max-rate
 * figure measures a generator's own speed, which needs the generator's cost to set the rate; the
 * others measure it beside a server as `npm run lab` runs them, on the whole machine.
 */
export const DEFAULT_PLACEMENT: Record<FigureName, Placement> = { efficiency: 'shared', open: 'free', accuracy: 'free', omission: 'free', memory: 'free' };

export interface FigureOptions {
  /** Measured seconds per generator; undefined = the figure's own default. */
  seconds?: number;
  /** Which repetition this is (0-based): sides alternate their order so drift hits both. */
  repeat: number;
  log: (line: string) => void;
  /** Efficiency figure: the connection counts to measure; undefined = all of them. */
  connections?: number[];
  /** Efficiency and open figures: the server they drive (default: nginx when installed, else node). */
  target?: MaxRateTarget;
  /** Where its processes run (already set with setPlacement), for its title. */
  placement: Placement;
}

/** One run of one figure: plain data, printed by format.ts and saved as JSON. */
export interface FigureRun {
  figure: FigureName;
  title: string;
  rows: SideResult[];
  /** The figure's number in one line, with its goal. */
  summary: string;
  /** Goal met? null when the figure could not be judged. */
  met: boolean | null;
  notes: string[];
  /** Where its processes ran. */
  placement: Placement;
  extra?: Record<string, unknown>;
}

/** `[a, b]` on even repetitions, `[b, a]` on odd ones. */
export const alternate = <T>(items: T[], repeat: number): T[] => (repeat % 2 === 0 ? items : [...items].reverse());
