import type { CompareCell, CompareFile, CompareTarget } from '../harness/results/format.ts';
import { CHART_WIDTH, CONFIG, type Spec } from './charts/common.ts';
import { chartFigure } from './sections/charts.ts';
import { html, type Html } from './html.ts';
import { page } from './page.ts';
import { overlayCharts, sideLabels } from './compare-charts.ts';

export const COMPARE_HTML = 'compare.html';
const SIDE_COLORS = ['#7f7f7f', '#1f77b4'];

/** One point per side and stage: the median p95 across repeats, and a rule from min to max. */
export function compareP95Spec(t: CompareTarget, baseLabel: string, newLabel: string): Spec | null {
  const rows = t.stages.flatMap((s) => {
    const c = s.cells.find((x) => x.metric === 'p95');
    if (!c) return [];
    return ([[baseLabel, c.baseValues, c.base], [newLabel, c.newValues, c.new]] as const).flatMap(([side, v, med]) =>
      med === null ? [] : [{ stage: `stage ${s.index + 1}`, side, median: med, min: Math.min(...v), max: Math.max(...v), n: v.length, verdict: c.verdict }]);
  });
  if (!rows.length) return null;
  const x = { field: 'stage', type: 'ordinal', title: 'stage', axis: { labelAngle: 0 } };
  const xOffset = { field: 'side', type: 'nominal', scale: { domain: [baseLabel, newLabel] } };
  const color = { field: 'side', type: 'nominal', title: 'run', scale: { domain: [baseLabel, newLabel], range: SIDE_COLORS } };
  return {
    width: CHART_WIDTH, height: 220, config: CONFIG, data: { values: rows },
    encoding: { x, xOffset, color },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { field: 'min', type: 'quantitative', title: 'p95 latency (ms)' }, y2: { field: 'max' } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y: { field: 'median', type: 'quantitative' },
          tooltip: [{ field: 'side', title: 'run' }, { field: 'stage' }, { field: 'median', title: 'median p95 (ms)', format: ',.1f' },
            { field: 'min', format: ',.1f' }, { field: 'max', format: ',.1f' }, { field: 'n', title: 'repeats' }, { field: 'verdict' }],
        },
      },
    ],
  };
}

const fmt = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
const signed = (x: number | null, d = 1) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(d)}`);

function cellRow(stage: number, c: CompareCell): Html {
  const cls = c.verdict === 'worse' ? 'bad' : c.verdict === 'better' ? 'good' : '';
  return html`<tr><td>${stage + 1}</td><td>${c.metric}</td><td class="num">${fmt(c.base)}</td><td class="num">${fmt(c.new)}</td><td class="num">${signed(c.deltaAbs)}</td><td class="num">${signed(c.deltaPct)}</td><td class="num">${c.p === null ? '—' : c.p.toFixed(4)}</td><td class="${cls}">${c.verdict}</td></tr>`;
}

/** compare.html: the comparison as a self-contained page (vega inlined, no network), from compare.json alone. */
export function compareHtml(f: CompareFile, scripts: string[]): string {
  const env = f.environment.length
    ? html`<div class="banner warn"><strong>The runs come from different environments</strong>; a difference may come from these, not from the change:<ul>${f.environment.map((d) => html`<li>${d.field}: ${d.base} → ${d.new}</li>`)}</ul></div>`
    : html`<p class="muted">Same environment: commit, Node, CPU, cores, work model, seed, profile, connection mode and driver all match.</p>`;
  const breaches = f.failOn === null ? html`` : f.breaches.length
    ? html`<p class="bad"><strong>FAIL --fail-on ${f.failOn}</strong>: ${f.breaches.length} significant regression(s) past a rule.</p>`
    : html`<p><strong>pass --fail-on ${f.failOn}</strong>: no significant regression past a rule.</p>`;
  const labels = sideLabels(f);
  const targets = f.targets.map((t, i) => {
    const spec = compareP95Spec(t, labels.base, labels.new);
    return html`<section><h2>${t.name} <span class="muted">· ${t.baseRepeats} vs ${t.newRepeats} repeat(s)</span></h2>
${spec ? chartFigure(`compare-p95-${i}`, 'p95 per stage, base and new', 'Dots: median p95 across repeats; lines: min to max. Lines that do not overlap are what the rank test calls a difference.', spec) : html``}
${overlayCharts(t, i, labels)}
<table><thead><tr><th>stage</th><th>metric</th><th>base</th><th>new</th><th>Δ</th><th>Δ %</th><th>p</th><th>verdict</th></tr></thead>
<tbody>${t.stages.flatMap((s) => s.cells.map((c) => cellRow(s.index, c)))}</tbody></table></section>`;
  });
  const body = html`<h1>loadlab compare: ${f.base.runId} → ${f.new.runId}</h1>
<p class="sub">Mann-Whitney U over repeats (latencies ms, req/s, errors %) · ${Math.round(f.confidence * 1000) / 10} % confidence · better / worse only when p &lt; ${(1 - f.confidence).toFixed(3)}</p>
${env}
${breaches}
${targets}
${f.onlyInBase.length ? html`<p class="muted">Only in base (not compared): ${f.onlyInBase.join(', ')}</p>` : html``}
${f.onlyInNew.length ? html`<p class="muted">Only in new (not compared): ${f.onlyInNew.join(', ')}</p>` : html``}`;
  return page({ title: `loadlab compare: ${f.base.runId} → ${f.new.runId}`, body, scripts });
}
