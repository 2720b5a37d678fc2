import { buildHeadline } from '../headline.ts';
import { fmtNum, fmtRps } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { colorOf } from '../charts/context.ts';
import { validityBlock } from './validity.ts';

export const badge = (status: string, label = status): Html => html`<span class="badge ${status}">${label}</span>`;

export function headlineSection(run: RunData): Html {
  const h = buildHeadline(run);
  const swatch = (name: string) => colorOf(run, name);
  const failed = new Set(h.targets.filter((t) => t.status === 'failed' || t.status === 'skipped').map((t) => t.name));
  const capacity = h.capacity.length && h.peak
    ? html`<table class="capacity"><thead><tr><th>target</th><th>works on at once</th><th>capacity ≈ at once ÷ ${fmtNum(run.theory.meanServiceMs)} ms</th><th>peak offered</th><th></th></tr></thead><tbody>${
      h.capacity.map((c) => html`<tr><td>${c.name}</td><td class="num">${fmtNum(c.concurrency)}</td><td class="num">${fmtRps(c.capacity)}</td><td class="num">${fmtRps(h.peak?.rps)}</td><td>${
        failed.has(c.name) ? html`<span class="muted">did not run</span>` : c.ratio === null ? '' : c.ratio < 1 ? html`<span class="over">over capacity: load ${fmtNum(1 / c.ratio)}× what it can serve</span>` : html`headroom ×${fmtNum(c.ratio)}`
      }</td></tr>`)}</tbody></table>`
    : '';
  return html`<section class="headline" id="headline">
<h2>${h.title}</h2>
${h.subtitles.map((s) => html`<h2 class="subtitle">${s}</h2>`)}
${h.repeats ? html`<p class="repeats">${h.repeats} <a href="#spread">Spread per stage</a>.</p>` : ''}
<ul class="findings">${h.targets.map((t) => html`
<li class="${t.status}"><span class="swatch" style="background:${swatch(t.name)}"></span>${badge(t.status, t.label)} <span>${t.sentence}${
  t.source === 'report' ? html` <em class="muted">(worked out by the report: summary.json has no verdict for it)</em>` : ''}</span></li>`)}
</ul>
${run.kind === 'profile' ? validityBlock(run) : ''}
<h3>Why</h3>
${h.why.map((p) => html`<p>${p}</p>`)}
${capacity}
</section>`;
}
