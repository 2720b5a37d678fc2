import { fmtBytes } from '../format.ts';
import { fileHref, html, type Html } from '../html.ts';
import type { RunData, RunFile } from '../../harness/results/run-data.ts';

const list = (files: RunFile[]): Html =>
  html`<ul class="files">${files.map((f) => html`<li><a href="${fileHref(f.path)}">${f.path}</a> <span class="muted">${fmtBytes(f.bytes)}</span></li>`)}</ul>`;

/** Every file of the run, linked relative to this page (which sits in the run folder). */
export function filesSection(run: RunData): Html {
  return html`<section id="files"><h2>Raw data</h2>
<p class="muted">Formats: harness/results-format.ts. Latencies in ms; histograms are HdrHistogram compressed base64 in µs; latency.hlog is an HdrHistogram interval log (one histogram per second). Stage numbers on this page start at 1; <code>index</code> in the JSON files starts at 0.</p>
<h3>Run</h3>${list(run.files)}
${run.targets.map((t) => html`<h3>${t.entry.name}</h3>${t.files.length ? list(t.files) : html`<p class="muted">No files.</p>`}`)}
</section>`;
}
