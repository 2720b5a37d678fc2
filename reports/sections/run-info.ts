import { fmtNum } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { loadUnit } from '../../harness/results/profile-info.ts';
import type { CorrectionInfo } from '../../harness/results/format.ts';
import { theoryRule } from '../../harness/analysis/capacity-theory.ts';
import type { TargetRun } from '../../harness/results/run-data.ts';

/** The service-time distribution and the capacity rule, from the manifest (schema 1: what it implied). */
function theoryRows(run: RunData): [string, Html | string][] {
  const st = run.serviceTime;
  const old = run.manifest.schemaVersion < 2 || run.manifest.serviceTime === undefined;
  return [
    ['Service time', st
      ? html`${st.distribution} ${fmtNum(st.minMs)}–${fmtNum(st.maxMs)} ms, mean ${fmtNum(st.meanMs)} ms <span class="muted">(${old ? st.source : `recorded at run time from ${st.source}`})</span>`
      : 'unknown: the lab started none of these servers'],
    ['Capacity theory', html`${theoryRule(run.theory.work, run.theory.meanServiceMs)} <span class="muted">(work ${run.theory.work}, ${fmtNum(run.theory.cores)} cores)</span>`],
  ];
}

const CORRECTION_SOURCE: Record<CorrectionInfo['source'], string> = {
  'service-time': 'the mean of the lab\'s service-time distribution',
  'warm-up': 'the mean latency the warm-up measured (2 connections; the lab does not know this server\'s service time)',
  none: 'none: the lab knew no service time for this server, so no corrected view was recorded',
};

/** Per target: the coordinated-omission correction's expected interval and where its service time came from. */
export function correctionText(t: TargetRun): string {
  const c = t.correction;
  if (!c) return '';
  if (c.expectedIntervalMs === null || c.serviceMs === null) return CORRECTION_SOURCE.none;
  const foreign = t.entry.url && c.source === 'service-time' ? '; a schema-1 run applied the lab\'s own service time to a server it did not start, so this view is only indicative' : '';
  return `one send every ${fmtNum(c.expectedIntervalMs)} ms per user (think time + ${fmtNum(c.serviceMs)} ms service, from ${CORRECTION_SOURCE[c.source]}${foreign})`;
}

/** Flagged on top of the page: numbers of an incomplete run cover only part of the profile. */
export function incompleteBanner(run: RunData): Html {
  if (run.manifest.complete) return html``;
  return html`<div class="banner incomplete" role="alert"><strong>Incomplete run.</strong> This run was interrupted or crashed${
    run.manifest.finishedAt ? '' : ' (no finish time recorded)'}: the results below cover only what was measured before it stopped.</div>`;
}

export function problemsBox(run: RunData): Html {
  if (!run.problems.length) return html``;
  return html`<div class="banner warn"><strong>Some run files could not be used:</strong><ul>${run.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

function modesInfo(run: RunData): Html {
  const m = run.manifest;
  const rows: [string, Html | string][] = [
    ['Mode', run.profile.name],
    ['Work model', html`${m.work}${run.workModel ? html` <span class="muted">— ${run.workModel.description}</span>` : ''}`],
    ...(run.hasManifest ? [
      ['Seed', String(m.seed)], ['Machine', `${m.cpuModel}, ${m.cores} cores, ${m.os}`], ['Node', m.node],
      ['Commit', m.gitCommit ?? 'unknown'], ['Started', m.startedAt], ['Finished', m.finishedAt ?? 'never (incomplete run)'],
    ] as [string, string][] : []),
    ...theoryRows(run),
    ['Run id', m.runId],
    ['Targets', html`${run.targets.map((t, i) => html`${i ? ' · ' : ''}<b>${t.entry.name}</b> (works on ${t.entry.concurrency} at once${t.entry.state === 'ok' ? '' : html`; <span class="bad">${t.entry.state}</span>`})`)}`],
  ];
  return html`<section id="run"><h2>The run</h2>
${run.hasManifest ? '' : html`<p class="muted">This folder has no manifest.json (capacity and knee runs of results schema 1 wrote no manifest.json; they do since schema 2), so the machine, Node version, commit, seed and times of the run are not known to the report.</p>`}
<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
</section>`;
}

/** Which engine sent the load, Locust's workers and what each request cost the driver in CPU. */
function driverText(run: RunData): Html {
  const label = run.manifest.driver ?? 'lab';
  const lines = run.targets.flatMap((t) => {
    const d = t.entry.driver;
    const g = t.entry.generator;
    const cost = g?.cpuPerRequestMs != null ? `${fmtNum(g.cpuPerRequestMs)} ms CPU per request (${fmtNum(g.cpuSeconds)} s in all)` : null;
    if (d?.engine !== 'locust') return cost ? [html`<b>${t.entry.name}</b>: built-in driver, ${cost}`] : [];
    const workers = (d.workerShares ?? []).map((w) => `${w.name}: ${fmtNum(w.requests)} requests, ${w.cpuSeconds === null ? '?' : fmtNum(w.cpuSeconds)} s CPU, peak ${fmtNum(w.peakCpuPct)} %${w.badLines ? `, ${w.badLines} unreadable line(s)` : ''}`);
    return [html`<b>${t.entry.name}</b>: Locust${d.version ? ` ${d.version}` : ''}, master + ${fmtNum(d.workers ?? 1)} worker(s)${d.importedFrom ? ` (imported from ${d.importedFrom})` : ''}${cost ? `, ${cost}` : ''}; ${workers.join(' · ')}${d.outOfRun ? html`; <span class="bad">${fmtNum(d.outOfRun)} request(s) outside the profile's time: worker clocks out of step?</span>` : ''}${(d.cpuWarnings ?? []).length ? html`; <span class="bad">${d.cpuWarnings!.join(' · ')}</span>` : ''}`];
  });
  return html`${label}${label.includes('locust') ? html` <span class="muted">(Locust: every request's exact latency, logged per worker and merged into the same histograms; its own CSVs are in &lt;target&gt;/locust/)</span>` : ''}${lines.map((l) => html`<br>${l}`)}`;
}

export function runInfoSection(run: RunData): Html {
  if (run.kind === 'modes') return modesInfo(run);
  const m = run.manifest;
  const p = run.profile;
  const unit = loadUnit(p.model);
  const rows: [string, Html | string][] = [
    ['Profile', html`${p.name} <span class="muted">(${m.profileSource})</span>${p.description ? html` — ${p.description}` : ''}`],
    ['Model', p.model === 'open' ? 'open (arrivals at a set rate, whatever the responses)' : 'closed (virtual users who wait for each response)'],
    ['Stages', p.stages.map((s, i) => `S${i + 1} at ${fmtNum(s.at)} s: ${fmtNum(s.load)} ${unit}`).join(' · ') + (p.duration !== null ? ` · ends at ${fmtNum(p.duration)} s` : '')],
    ['Work model', html`${m.work}${run.workModel ? html` <span class="muted">— ${run.workModel.description}</span>` : ''}`],
    ['Driver', driverText(run)],
    ['Connections', m.connection === 'close' ? 'close: a new connection for every request (Connection: close)' : 'keep-alive: each virtual user keeps one connection'],
    ...theoryRows(run),
    ...(run.targets.some((t) => t.correction) ? [['Coordinated-omission correction', html`${run.targets.filter((t) => t.correction).map((t, i) => html`${i ? html`<br>` : ''}<b>${t.entry.name}</b>: ${correctionText(t)}`)}`] as [string, Html]] : []),
    ['Seed', String(m.seed)],
    ['Machine', `${m.cpuModel}, ${m.cores} cores, ${m.os}`],
    ['Node', m.node],
    ['Commit', m.gitCommit ?? 'unknown (not a git checkout?)'],
    ['Started', m.startedAt],
    ['Finished', m.finishedAt ?? 'never (incomplete run)'],
    ['Complete', m.complete ? 'yes' : html`<strong class="bad">no: partial results</strong>`],
    ['Run id', html`${m.runId} <span class="muted">(results schema ${m.schemaVersion})</span>`],
    ...(m.repeats && m.repeats > 1 ? [['Repeats', `${m.repeats}, interleaved (A B A B …)`] as [string, string]] : []),
    ['Targets', html`${run.targets.map((t, i) => html`${i ? ' · ' : ''}<b>${t.entry.name}</b> (${t.entry.description}; works on ${t.entry.concurrency} at once, size ${t.entry.size})`)}`],
  ];
  return html`<section id="run"><h2>The run</h2>
<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<details><summary>Profile as stored in manifest.json</summary><pre>${JSON.stringify(p.raw, null, 2) ?? 'null'}</pre></details>
</section>`;
}
