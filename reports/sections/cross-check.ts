import { crossChecks, type CrossCell } from '../../harness/analysis/cross-check.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { fmtNum } from '../format.ts';
import { html, type Html } from '../html.ts';

const diff = (c: CrossCell): Html => (c.diffPct === null ? html`<td>–</td>` : html`<td${Math.abs(c.diffPct) > 10 ? html` class="bad"` : ''}>${c.diffPct > 0 ? '+' : ''}${fmtNum(c.diffPct)}%</td>`);
const trio = (c: CrossCell): Html => html`<td>${fmtNum(c.lab)}</td><td>${fmtNum(c.locust)}</td>${diff(c)}`;

/** `--driver lab,locust`: the same target measured by two independent engines, side by side. */
export function crossCheckSection(run: RunData): Html {
  const checks = crossChecks(run.targets.map((t) => ({ name: t.entry.name, stages: t.stages, ...(t.entry.driver ? { driver: t.entry.driver } : {}), ...(t.entry.generator ? { generator: t.entry.generator } : {}) })));
  if (checks.length === 0) return html``;
  return html`<section id="cross-check"><h2>Cross-check: built-in driver vs Locust</h2>
<p>Each target below was driven twice with the same profile: by the lab's own driver, then by Locust (a master and its workers, from a generated locustfile). Locust's figures come from every request's exact latency, logged by each worker and merged into the same histograms; a difference is the engines', not the arithmetic's. Δ is Locust's difference from the built-in driver; over ±10 % is marked. Locust starts each change of users up to 1 s late (it polls its shape once a second while the answer is unchanged), which shows most in a stage's first steady second.</p>
${checks.map((c) => html`<h3>${c.name} <span class="muted">(Locust: ${c.workers} worker${c.workers === 1 ? '' : 's'})</span></h3>
<div class="scroll"><table class="stages"><thead><tr><th rowspan="2">stage</th><th rowspan="2">users</th><th colspan="3">req/s</th><th colspan="3">p50 ms</th><th colspan="3">p95 ms</th><th colspan="3">p99 ms</th></tr>
<tr>${[0, 1, 2, 3].map(() => html`<th>lab</th><th>locust</th><th>Δ</th>`)}</tr></thead>
<tbody>${c.stages.map((s) => html`<tr><td>${s.index + 1}</td><td>${fmtNum(s.users)}</td>${trio(s.rps)}${trio(s.p50)}${trio(s.p95)}${trio(s.p99)}</tr>`)}</tbody></table></div>
<p>CPU per request (the driver's own cost): lab ${fmtNum(c.cpuPerRequestMs.lab)} ms, Locust ${fmtNum(c.cpuPerRequestMs.locust)} ms (all workers together)${c.cpuPerRequestMs.diffPct !== null && c.cpuPerRequestMs.lab ? `: ${fmtNum(Math.round((c.cpuPerRequestMs.locust ?? 0) / c.cpuPerRequestMs.lab * 10) / 10)} × the built-in driver's` : ''}.</p>`)}
</section>`;
}
