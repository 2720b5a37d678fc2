import { chartContext } from '../../reports/charts/context.ts';
import { errorsSection } from '../../reports/charts/errors.ts';
import { latencySection } from '../../reports/charts/latency.ts';
import { loadSection } from '../../reports/charts/load.ts';
import { saturationSection } from '../../reports/charts/saturation.ts';
import { throughputSection } from '../../reports/charts/throughput.ts';
import type { ChartSection } from '../../reports/charts/common.ts';
import type { RunData } from '../results/run-data.ts';
import type { LiveChart } from './messages.ts';

/** The report's time charts, in the report's order: same builders, same axes and stage marks, fed the data so far. */
export const LIVE_SECTIONS: readonly ChartSection[] = [latencySection, throughputSection, loadSection, errorsSection, saturationSection];

export function liveCharts(run: RunData): LiveChart[] {
  const ctx = chartContext(run);
  return LIVE_SECTIONS.map((s) => ({ id: s.id, title: s.title, caption: s.caption(run, ctx), spec: s.build(run, ctx) }));
}
