import type { StageStats } from '../../harness/results/format.ts';
import { colorOf } from '../charts/context.ts';
import { degradation } from '../degradation.ts';
import { fmtNum } from '../format.ts';
import { statusOf } from '../headline.ts';
import { html, type Html } from '../html.ts';
import type { RunData, TargetRun } from '../../harness/results/run-data.ts';
import { badge } from './headline.ts';

interface Column { head: string; title?: string; cell: (s: StageStats) => string }

function columns(run: RunData, t: TargetRun): Column[] {
  const open = run.profile.model === 'open';
  const cols: Column[] = [
    { head: 'stage', cell: (s) => String(s.index + 1) },
    { head: open ? 'arrival req/s' : 'users', cell: (s) => fmtNum(s.users) },
    { head: 'steady window (s)', title: 'stats cover [steadyFrom, end): the ramp is left out', cell: (s) => `${fmtNum(s.steadyFrom)}–${fmtNum(s.end)}` },
    { head: 'req/s', title: 'successful responses per second over the steady window', cell: (s) => fmtNum(s.rps) },
    { head: 'requests', cell: (s) => fmtNum(s.requests) },
    { head: 'mean', cell: (s) => fmtNum(s.mean) },
    { head: 'p50', cell: (s) => fmtNum(s.p50) },
    { head: 'p90', cell: (s) => fmtNum(s.p90) },
    { head: 'p95', cell: (s) => fmtNum(s.p95) },
    { head: 'p99', cell: (s) => fmtNum(s.p99) },
    { head: 'p99.9', cell: (s) => fmtNum(s.p999) },
    { head: 'max', cell: (s) => fmtNum(s.max) },
    { head: 'errors', cell: (s) => fmtNum(s.errorsTotal) },
    { head: 'error %', cell: (s) => fmtNum(s.errorPct) },
  ];
  if (open) cols.push({ head: 'dropped', title: 'arrivals not sent because maxInFlight was reached', cell: (s) => fmtNum(s.dropped) });
  if (t.stages.some((s) => s.corrected)) {
    cols.push({ head: 'p99 corr.', title: 'p99 corrected for coordinated omission', cell: (s) => fmtNum(s.corrected?.p99) });
  }
  return cols;
}

function targetTable(run: RunData, t: TargetRun): Html {
  const { status } = statusOf(t);
  const from = degradation(t.stages, t.summary).from?.index ?? Infinity;
  const verdict = t.summary?.verdict ?? t.entry.error ?? (t.repeat !== null ? `Repeat ${t.repeat} of ${run.manifest.repeats ?? run.spread?.repeats ?? '?'}, judged on its own (the headline judges the median of all repeats).` : '');
  const head = html`<h3><span class="swatch" style="background:${colorOf(run, t.entry.name)}"></span>${t.entry.name} ${badge(status)}</h3>
<p class="verdict">${verdict}${html` <span class="muted">— ${t.entry.description}; works on ${t.entry.concurrency} request${t.entry.concurrency === 1 ? '' : 's'} at once</span>`}</p>
${t.entry.generator?.saturated ? html`<p class="error-line">Load generator saturated while driving this target${t.entry.generator.reason ? html` (${t.entry.generator.reason})` : ''}: these latencies are suspect.</p>` : ''}`;
  if (!t.stages.length) return html`${head}<p class="muted">No stage statistics were recorded for this target.</p>`;
  const cols = columns(run, t);
  return html`${head}
<div class="scroll"><table class="stages"><thead><tr>${cols.map((c) => html`<th${c.title ? html` title="${c.title}"` : ''}>${c.head}</th>`)}</tr></thead>
<tbody>${t.stages.map((s) => html`<tr${status === 'degraded' && s.index >= from ? html` class="degraded"` : ''}>${cols.map((c) => html`<td>${c.cell(s)}</td>`)}</tr>`)}</tbody></table></div>`;
}

export function stageTablesSection(run: RunData): Html {
  if (run.kind === 'modes') return html``;
  return html`<section id="stages"><h2>Per stage</h2>
<p class="muted">Latencies in ms over the steady part of each stage (successful responses only). Shaded rows: from the stage the target degraded.${
  run.groups.length ? ' With repeats, one table per repeat, each judged on its own; the headline judges the medians.' : ''}</p>
${run.targets.map((t) => targetTable(run, t))}
</section>`;
}
