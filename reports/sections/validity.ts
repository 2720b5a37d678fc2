import { fmtMs, fmtNum, fmtPct } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import type { LittleStage, SummaryTarget } from '../../harness/results/format.ts';

const badge = (status: string, label: string): Html => html`<span class="badge ${status}">${label}</span>`;

const CHECK_NAMES: Record<string, string> = {
  'littles-law': "Little's law", 'offered-load': 'offered load', generator: 'generator', 'timer-lag': 'timer lag', 'lab-errors': "lab's own errors", noise: 'noise across repeats',
};

const mark = (ok: boolean | null) => (ok === null ? html`<span class="muted">not checked</span>` : ok ? 'ok' : html`<strong class="over">failed</strong>`);

function littleRows(t: SummaryTarget, open: boolean): Html[] {
  return (t.validity?.littlesLaw ?? []).map((l: LittleStage) => html`<tr><td>${t.name}${l.repeat ? html` <span class="muted">r${l.repeat}</span>` : ''}</td><td>S${l.stage + 1}${l.from !== undefined ? html` <span class="muted">from ${fmtNum(l.from)} s</span>` : ''}</td><td class="num">${fmtNum(l.measured)}</td><td class="num">${fmtNum(l.throughput)}</td><td class="num">${fmtMs(l.responseMs)}</td>${open ? '' : html`<td class="num">${fmtMs(l.thinkMs)}</td>`}<td class="num">${fmtNum(l.predicted)}</td><td class="num">${l.deviationPct === null ? '–' : `${l.deviationPct > 0 ? '+' : ''}${fmtPct(l.deviationPct)}`}</td><td>${l.ok === null ? html`<span class="muted">${l.note ?? 'not checked'}</span>` : mark(l.ok)}</td></tr>`);
}

/**
 * The headline's validity line: can this run's figures be trusted (summary.json `validity`)?
 * Then, folded, every check per target and Little's law stage by stage with its numbers.
 */
export function validityBlock(run: RunData): Html {
  const v = run.summary?.validity;
  if (!v) return html`<p class="validity muted">Validity: not checked (this run folder predates the check).</p>`;
  const open = run.profile.model === 'open';
  const targets = run.summary!.targets.filter((t) => t.validity);
  return html`<div class="validity" id="validity">
<p>${v.verdict === 'valid' ? badge('held', 'valid') : badge('degraded', 'suspect')} ${v.verdict === 'valid'
    ? "The lab's own figures agree: Little's law within 10% on every stage it could judge, the load offered as asked, the generator not saturated, no error on the lab's side."
    : html`The figures may not describe the server: ${v.why.join(' · ')}`}</p>
<details><summary>Validity checks, with the numbers</summary>
<ul>${targets.flatMap((t) => t.validity!.checks.map((c) => html`<li>${t.name} · ${CHECK_NAMES[c.check] ?? c.check}: ${mark(c.ok)} — ${c.detail}</li>`))}</ul>
<div class="scroll"><table class="little"><thead><tr><th>target</th><th>stage</th><th>${open ? 'in flight (measured)' : 'users (time-averaged)'}</th><th>req/s</th><th>${open ? 'mean latency from send' : 'mean response'}</th>${open ? '' : html`<th>mean think</th>`}<th>predicted = req/s × ${open ? 'latency' : '(response + think)'}</th><th>deviation</th><th>within 10%</th></tr></thead>
<tbody>${targets.flatMap((t) => littleRows(t, open))}</tbody></table></div>
</details>
</div>`;
}
