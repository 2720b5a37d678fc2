import type { CapacityRow, KneeRow, KneeStep, SpreadStats, SpreadTarget } from '../../harness/results/format.ts';
import { colorOf } from '../charts/context.ts';
import { kneeTrace, kneeTraceSpec } from '../charts/modes.ts';
import { fmtMs, fmtNum, fmtRps, stageLabel } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import { kneeBrokeAt, kneeSentence, pctOf, stoppedByText } from '../modes.ts';
import { limitWords, rowFound } from '../../harness/analysis/knee-policy.ts';
import { chartFigure, chartsIn } from './charts.ts';

const swatch = (run: RunData, name: string): Html => html`<span class="swatch" style="background:${colorOf(run, name)}"></span>`;
const triple = (s: SpreadStats | null, f: (x: number) => string = fmtNum): Html =>
  s ? html`<td>${f(s.min)}</td><td class="med">${f(s.median)}</td><td>${f(s.max)}</td>` : html`<td>–</td><td class="med">–</td><td>–</td>`;

function spreadTable(run: RunData, t: SpreadTarget): Html {
  const unit = run.profile.model === 'open' ? 'arrival req/s' : 'users';
  const measured = (t.stages ?? []).length > 0;
  const runs = (t.runs ?? []).map((r, i) => html`${i ? ', ' : ''}repeat ${r.repeat}${r.state === 'ok' ? '' : html` <span class="bad">(${r.state})</span>`}`);
  return html`<h3>${swatch(run, t.name)}${t.name}</h3>
<p class="muted">Runs: ${runs}. Only repeats that finished count (all of them, if none did); n is how many measured the stage.</p>
${measured ? html`<div class="scroll"><table class="spread"><thead>
<tr><th rowspan="2">stage</th><th rowspan="2">${unit}</th><th rowspan="2" title="repeats that measured the stage">n</th><th colspan="3" class="group">p50 (ms)</th><th colspan="3" class="group">p95 (ms)</th><th colspan="3" class="group">successful req/s</th></tr>
<tr>${[0, 1, 2].map(() => html`<th>min</th><th class="med">median</th><th>max</th>`)}</tr></thead>
<tbody>${(t.stages ?? []).map((s) => html`<tr><td>${stageLabel(s.index)}</td><td>${fmtNum(s.users)}</td><td>${s.n}</td>${triple(s.p50)}${triple(s.p95)}${triple(s.rps)}</tr>`)}</tbody></table></div>` : html`<p class="muted">No repeat measured a stage.</p>`}`;
}

/** --repeat N: per target and stage, how far the repeats were apart; a dot per repeat on the chart. */
export function spreadSection(run: RunData): Html {
  const file = run.spread;
  if (!file) return html``;
  const chart = chartsIn(run, 'spread');
  return html`<section id="spread"><h2>Spread across ${file.repeats} repeats</h2>
<p class="muted">Each target ran ${file.repeats} times, interleaved with the others. The headline, verdicts and p95 chart use the stage-wise median; here is how much the repeats disagreed. Per-repeat time series and stage tables are further down, one per repeat.</p>
${chart}
${file.targets.map((t) => spreadTable(run, t))}
</section>`;
}

function capacityRow(run: RunData, r: CapacityRow): Html {
  const pct = pctOf(r.rps, r.theoreticalRps);
  return html`<tr><td>${swatch(run, r.name)}${r.name}</td><td>${fmtNum(r.concurrency)}</td><td>${fmtNum(r.rps)}</td><td>${fmtNum(r.theoreticalRps)}</td>
<td${pct !== null && pct < 80 ? html` class="bad"` : ''}>${pct === null ? '–' : `${pct}%`}</td><td>${fmtNum(r.p50)}</td><td>${fmtNum(r.p95)}</td><td>${fmtNum(r.p99)}</td>
<td>${fmtNum(r.connections)} × ${fmtNum(r.seconds)} s</td><td${r.errors ? html` class="bad"` : ''}>${fmtNum(r.errors)}${r.timeouts ? ` (${fmtNum(r.timeouts)} timeouts)` : ''}</td>
<td>${r.state === 'ok' ? 'ok' : html`<span class="bad">${r.state}</span>`}</td></tr>`;
}

/** --capacity: the most each target served with a fixed number of eager connections, against theory. */
export function capacitySection(run: RunData): Html {
  const rows = run.capacity;
  if (!rows) return html``;
  const chart = chartsIn(run, 'capacity');
  return html`<section id="capacity"><h2>Capacity</h2>
<p class="muted">Closed loop without a rate limit: the throughput is the most the target finished; latencies are at that load, so they are mostly time spent queued.</p>
${chart}
<div class="scroll"><table class="modes"><thead><tr><th>target</th><th>concurrency</th><th>req/s</th><th>theoretical</th><th>of theory</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th title="connections, each sending its next request as soon as answered, for this many seconds">load</th><th>errors</th><th>state</th></tr></thead>
<tbody>${rows.map((r) => capacityRow(run, r))}</tbody></table></div>
${rows.filter((r) => r.error).map((r) => html`<p class="error-line">${r.name}: ${r.error}</p>`)}
</section>`;
}

const pctText = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '–' : `${fmtNum(Math.round(ratio * 1000) / 10)}%`);
const signed = (n: number) => `${n > 0 ? '+' : ''}${fmtNum(n)}`;

/** Generator and server CPU (and the machine's) over a step: who had slack. */
const loadCell = (s: KneeStep): Html | string => {
  const l = s.load;
  if (!l) return '–';
  const p = (x: number | null) => (x === null ? '–' : `${fmtNum(Math.round(x))}%`);
  return html`gen ${p(l.genCpuPct)}${l.genElu === null ? '' : html` <span class="muted">(loop ${p(l.genElu * 100)})</span>`}<br>server ${p(l.serverCpuPct)}<br><span class="muted">machine ${p(l.machineCpuPct)} of ${fmtNum(l.cores * 100)}%${l.softirqPct == null ? '' : ` (softirq ${p(l.softirqPct)})`}${l.droppedLate ? ` · ${fmtNum(l.droppedLate)} dropped late` : ''}</span>`;
};

/** One step: what was offered and served, the backlog and latency trend, and the reason it held or broke. */
function kneeStepRow(r: KneeRow, s: KneeStep, i: number): Html {
  const e = s.evidence;
  const backlog = e ? html`${fmtNum(e.backlog[e.judgedFrom] ?? 0)} → ${fmtNum(e.backlog.at(-1) ?? 0)}<br><span class="muted">${signed(e.backlogGrowth)} (noise ${fmtNum(e.backlogAllowance)})</span>` : '–';
  const trend = e ? html`${e.p95FirstHalf === null ? '–' : fmtNum(e.p95FirstHalf)} → ${e.p95SecondHalf === null ? '–' : fmtNum(e.p95SecondHalf)}<br><span class="muted">${e.p95SlopeMsPerS === null ? '' : `${signed(e.p95SlopeMsPerS)} ms/s`}</span>` : '–';
  const outcome = s.ok ? 'held' : html`<span class="bad">${e?.state === 'unsettled' ? 'unsettled' : 'broke'}</span>`;
  return html`<tr${s.ok ? '' : html` class="degraded"`}><td>${i + 1}</td><td>${fmtNum(s.rate)}</td><td>${s.seconds === undefined ? '–' : fmtNum(s.seconds)}</td><td>${fmtNum(s.achievedRps)}</td><td>${pctText(e?.servedRatio)}</td>
<td>${backlog}</td><td>${trend}</td><td${s.p95 === null || s.p95 > r.sloMs ? html` class="bad"` : ''}>${s.p95 === null ? 'no response' : fmtNum(s.p95)}</td><td>${fmtNum(s.errors)}</td><td>${fmtNum(s.dropped)}</td><td>${outcome}</td><td class="reason">${e?.reason ?? (s.ok ? 'p95 within the SLO, ≥ 90% served (rule before steady state)' : 'p95 past the SLO, errors, or < 90% served (rule before steady state)')}</td>
<td>${loadCell(s)}</td><td class="reason">${s.limit ? html`${s.limit.by === 'server' ? limitWords(s.limit) : html`<span class="bad">${limitWords(s.limit)}</span>`}<br><span class="muted">${s.limit.reason}</span>` : '–'}</td></tr>`;
}

function kneeTable(run: RunData, r: KneeRow, index: number): Html {
  const broke = kneeBrokeAt(r);
  const pct = pctOf(r.maxSustainableRps, r.theoreticalRps);
  const trace = kneeTrace(r);
  const chart = trace.length
    ? chartFigure(`chart-knee-trace-${index}`, `${r.name}: each step, second by second`,
      'Top: backlog, the requests offered and not yet answered (running sum of offered − served); a steady step stays level, an overloaded one climbs. Bottom: p95 of each second, the red rule is the SLO. Colour is the offered rate; dashed steps did not hold. The first quarter of a step is the queue filling and is not judged.',
      kneeTraceSpec(trace, r.sloMs))
    : html``;
  return html`<h3>${swatch(run, r.name)}${r.name}</h3>
<p>${kneeSentence(r)}</p>
<dl class="facts"><dt>knee bracket</dt><dd>${r.maxSustainableRps === null ? 'no rate was steady' : html`steady at ${fmtRps(r.maxSustainableRps)}`}${broke === null ? ', none broke' : html`, not at ${fmtRps(broke)}`}</dd>
<dt>reported knee</dt>${rowFound(r) === 'lower-bound'
    ? html`<dd class="bad">none found: every step held, so ≥ ${fmtRps(r.maxSustainableRps)} is a lower bound, not the knee${pct !== null ? ` (${pct}% of theoretical ${fmtRps(r.theoreticalRps)})` : ''}</dd>`
    : html`<dd>${r.maxSustainableRps === null ? 'none' : fmtRps(r.maxSustainableRps)}${pct !== null ? ` (${pct}% of theoretical ${fmtRps(r.theoreticalRps)})` : ''}</dd>`}
<dt>search ended</dt><dd>${r.stoppedBy}: ${stoppedByText(r.stoppedBy)}</dd>
${r.brokenBy && broke !== null ? html`<dt>what broke it</dt><dd${r.brokenBy.by === 'server' ? '' : html` class="bad"`}>at ${fmtRps(broke)} ${limitWords(r.brokenBy)}<br><span class="muted">${r.brokenBy.reason}</span></dd>` : ''}
<dt>p95 SLO, step length</dt><dd>${fmtMs(r.sloMs)}, ${fmtNum(r.stepSeconds)} s${r.stepCapSeconds ? ` (up to ${fmtNum(r.stepCapSeconds)} s while unsettled)` : ''} · concurrency ${fmtNum(r.concurrency)}, work ${r.work}</dd></dl>
${r.steps.length ? html`<div class="scroll"><table class="modes"><thead><tr><th>step #</th><th>offered req/s</th><th>held s</th><th>served req/s</th><th title="served ÷ offered after the fill">served</th><th title="requests offered and not yet answered: first judged second → last; growth over the judged seconds and what noise allows">backlog</th><th title="median per-second p95 of the judged seconds' first → second half; slope">p95 trend ms</th><th>p95 ms</th><th>errors</th><th>dropped</th><th>held?</th><th>why</th><th title="CPU over the step in % of one core: the generator (the lab's process; its event loop's busy share), the server's process tree, and the whole machine">CPU</th><th title="for a step that did not hold: whether the generator, the server or the shared machine was the limit">limit</th></tr></thead>
<tbody>${r.steps.map((s, i) => kneeStepRow(r, s, i))}</tbody></table></div>${chart}` : html`<p class="muted">No step ran.</p>`}`;
}

/** --knee: per target, the highest arrival rate whose p95 held under the SLO, and the steps that found it. */
export function kneeSearchSection(run: RunData): Html {
  const rows = run.knee;
  if (!rows) return html``;
  const chart = chartsIn(run, 'knee');
  return html`<section id="knee"><h2>Knee: highest steady arrival rate</h2>
<p class="muted">A step counts as held only when the server was in a steady state at that rate: its backlog (requests offered and not yet answered) did not grow, its p95 did not trend upward across the step, it served what was offered to within the noise, and p95 stayed under the SLO. Just past capacity the queue grows slowly, so a short step can look fine; a step is held until steady or clearly broken, up to a cap. The knee lies between the highest steady rate and the lowest that was not.</p>
${chart}
${rows.map((r, i) => kneeTable(run, r, i))}
</section>`;
}
