import type { ChartContext } from './context.ts';
import { CHART_WIDTH, CONFIG, colorEncoding, type ChartSection, type Spec } from './common.ts';
import { stageLabel } from '../format.ts';

export interface UserDot { target: string; row: string; user: number; lane: number; responses: number }

/** Dots a row holds side by side before they overlap: a user's dot sits in lane user mod LANES. */
const LANES = 5;

/**
 * One row per target and stage, one dot per virtual user at the number of responses it got in
 * the stage's steady part: a fair server's dots bunch together, an unfair one's spread out, and
 * starved users sit at 0.
 */
export function fairnessStripSpec(ctx: ChartContext, dots: UserDot[]): Spec {
  const rows = [...new Set(dots.map((d) => d.row))];
  return {
    width: CHART_WIDTH - 160, height: { step: 26 }, config: CONFIG,
    data: { values: dots },
    mark: { type: 'circle', size: 34, opacity: 0.75 },
    encoding: {
      x: { field: 'responses', type: 'quantitative', title: 'responses per virtual user in the stage\'s steady part', scale: { zero: true } },
      y: { field: 'row', type: 'nominal', title: null, sort: rows, axis: { labelLimit: 280 } },
      yOffset: { field: 'lane', type: 'ordinal' },
      color: colorEncoding(ctx),
      tooltip: [{ field: 'target' }, { field: 'row', title: 'stage' }, { field: 'user', title: 'user (start order)' }, { field: 'responses' }],
    },
  };
}

export const fairnessSection: ChartSection = {
  id: 'chart-fairness',
  title: 'Responses per virtual user',
  place: 'fairness',
  caption: () => 'One dot per virtual user (closed model), at the responses it got in each stage\'s steady part. Dots bunched together: the server shared itself evenly; '
    + 'dots spread out, some near 0: some users were served again and again while others waited.',
  build: (run, ctx) => {
    if (ctx.model !== 'closed') return null;
    const dots = run.targets.flatMap((t) => t.stages.flatMap((s) => (s.fairness?.perUser?.counts ?? []).map((responses, user) => ({
      target: t.entry.name, row: `${t.entry.name} · ${stageLabel(s.index)} (${s.users} users)`, user, lane: user % LANES, responses,
    }))));
    return dots.length ? fairnessStripSpec(ctx, dots) : null;
  },
  empty: (run) => (run.profile.model === 'open'
    ? 'Responses per virtual user: n/a: the open model has no users (arrivals are not tied to a client).'
    : 'Responses per virtual user: n/a: this run folder has no per-user counts (it was written before the lab recorded them).'),
};
