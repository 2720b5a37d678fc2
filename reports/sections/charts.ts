import { CHART_SECTIONS } from '../charts/index.ts';
import { chartContext } from '../charts/context.ts';
import type { ChartPlace, Spec } from '../charts/common.ts';
import { html, jsonForScript, raw, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';

/** One chart: a container the page script fills, and its vega-lite spec as inert JSON. */
export function chartFigure(id: string, title: string, caption: string | Html, spec: Spec): Html {
  return html`<figure class="chart" id="${id}">
<figcaption><h3>${title}</h3><p>${caption}</p></figcaption>
<div class="vega" data-spec="${id}-spec"></div>
<script type="application/json" id="${id}-spec">${raw(jsonForScript(spec))}</script>
</figure>`;
}

/** The registered charts of one place, in registry order; a chart without data shows its `empty` line, if it has one. */
export function chartsIn(run: RunData, place: ChartPlace): Html[] {
  const ctx = chartContext(run);
  return CHART_SECTIONS.filter((c) => (c.place ?? 'charts') === place).flatMap((c) => {
    const spec = c.build(run, ctx);
    if (spec) return [chartFigure(c.id, c.title, c.caption(run, ctx), spec)];
    const empty = c.empty?.(run);
    return empty ? [html`<p class="muted">${empty}</p>`] : [];
  });
}

/** The profile run's charts; a capacity / knee run has no profile, so none of these apply. */
export function chartsSection(run: RunData): Html {
  if (run.kind === 'modes') return html``;
  const charts = chartsIn(run, 'charts');
  if (!charts.length) return html`<section id="charts"><h2>Charts</h2><p class="muted">No target produced data to chart.</p></section>`;
  return html`<section id="charts"><h2>Charts</h2>${charts}</section>`;
}
