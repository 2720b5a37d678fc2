import { CHART_SECTIONS } from '../charts/index.ts';
import { chartContext } from '../charts/context.ts';
import type { Spec } from '../charts/common.ts';
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

/** The profile run's charts; a capacity / knee run has no profile, so none of these apply. */
export function chartsSection(run: RunData): Html {
  if (run.kind === 'modes') return html``;
  const ctx = chartContext(run);
  const charts = CHART_SECTIONS.flatMap((c) => {
    const spec = c.build(run, ctx);
    return spec ? [chartFigure(c.id, c.title, c.caption(run, ctx), spec)] : [];
  });
  if (!charts.length) return html`<section id="charts"><h2>Charts</h2><p class="muted">No target produced data to chart.</p></section>`;
  return html`<section id="charts"><h2>Charts</h2>${charts}</section>`;
}
