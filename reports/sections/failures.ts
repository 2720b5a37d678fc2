import { ERROR_KINDS } from '../../harness/results/format.ts';
import { fmtNum } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData, TargetRun } from '../../harness/results/run-data.ts';

function targetFailures(t: TargetRun): Html | null {
  const f = t.failures;
  const counts = f ? ERROR_KINDS.filter((k) => f.errors?.[k] > 0) : [];
  const samples = f ? ERROR_KINDS.flatMap((k) => (f.samples?.[k] ?? []).map((m) => [k, m] as const)) : [];
  const notOk = t.entry.state !== 'ok';
  if (!notOk && !counts.length && !samples.length) return null;
  return html`<div class="failure"><h3>${t.entry.name} <span class="muted">(${t.entry.state})</span></h3>
${notOk ? html`<p class="error-line">${t.entry.error ?? f?.error ?? 'no error message recorded'}${
  f?.diedAt !== null && f?.diedAt !== undefined ? html` — died at ${fmtNum(f.diedAt)} s` : ''}${f?.exitCode !== null && f?.exitCode !== undefined ? html`, exit code ${f.exitCode}` : ''}</p>` : ''}
${counts.length ? html`<p>Errors by kind: ${counts.map((k, i) => html`${i ? ', ' : ''}${k} ${fmtNum(f?.errors[k])}`)}</p>` : ''}
${samples.length ? html`<ul class="samples">${samples.map(([k, m]) => html`<li><code>${k}</code> ${m}</li>`)}</ul>` : ''}
${t.logTail.length ? html`<details open><summary>Last ${t.logTail.length} lines of target.log</summary><pre>${t.logTail.join('\n')}</pre></details>` : ''}
</div>`;
}

/** Why requests failed: counts, example messages and, for a failed target, the end of its log. */
export function failuresSection(run: RunData): Html {
  const parts = run.targets.map(targetFailures).filter((x): x is Html => x !== null);
  if (!parts.length) return html``;
  return html`<section id="failures"><h2>Errors and failures</h2>${parts}</section>`;
}
