import { CHART_SECTIONS } from '../charts/index.ts';
import { chartContext } from '../charts/context.ts';
import { html, jsonForScript, raw, type Html } from '../html.ts';
import type { RunData } from '../model.ts';

/** Each chart: a container the page script fills, and its vega-lite spec as inert JSON. */
export function chartsSection(run: RunData): Html {
  const ctx = chartContext(run);
  const charts = CHART_SECTIONS.flatMap((c) => {
    const spec = c.build(run, ctx);
    if (!spec) return [];
    return [html`<figure class="chart" id="${c.id}">
<figcaption><h3>${c.title}</h3><p>${c.caption(run, ctx)}</p></figcaption>
<div class="vega" data-spec="${c.id}-spec"></div>
<script type="application/json" id="${c.id}-spec">${raw(jsonForScript(spec))}</script>
</figure>`];
  });
  if (!charts.length) return html`<section id="charts"><h2>Charts</h2><p class="muted">No target produced data to chart.</p></section>`;
  return html`<section id="charts"><h2>Charts</h2>${charts}</section>`;
}
