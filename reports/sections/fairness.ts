import { chartsIn } from './charts.ts';
import { fmtMs, fmtNum, stageLabel } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';

/** Per target and stage: how evenly users were served, and whether answers came in send order. */
function fairnessTable(run: RunData): Html {
  const rows = run.targets.flatMap((t) => t.stages.filter((s) => s.fairness).map((s) => {
    const u = s.fairness?.perUser;
    const o = s.fairness?.order;
    return html`<tr><td>${t.entry.name}</td><td>${stageLabel(s.index)}</td><td>${fmtNum(s.users)}</td><td>${fmtNum(s.rps)}</td>
<td>${u ? `${fmtNum(u.min)} / ${fmtNum(u.median)} / ${fmtNum(u.max)}` : '–'}</td><td>${fmtNum(u?.jain)}</td><td>${fmtNum(s.fairness?.p99OverP50)}</td>
<td>${o ? `${fmtNum(o.overtakenPct)}%` : '–'}</td><td>${fmtNum(o?.maxOvertakers)}</td><td>${fmtMs(o?.overtakenWait.p99Ms)}</td><td>${fmtMs(o?.inOrderWait.p99Ms)}</td></tr>`;
  }));
  if (!rows.length) return html``;
  return html`<div class="scroll"><table><thead><tr><th>target</th><th>stage</th><th>users</th><th>req/s</th>
<th title="responses per virtual user in the steady part">per user min / median / max</th><th title="Jain's index: 1 = every user got the same number of responses">Jain</th><th>p99 ÷ p50</th>
<th title="responses that came after a request sent later had already been answered">overtaken</th><th title="most later-sent requests answered ahead of one">most ahead of one</th>
<th>p99 overtaken</th><th>p99 in turn</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Closed-model runs: were the users served evenly and in turn? An open-model run says n/a. */
export function fairnessSection(run: RunData): Html {
  if (run.kind === 'modes') return html``;
  return html`<section id="fairness"><h2>Fairness</h2>
<p class="muted">Same req/s can hide very different waits. Per stage: how many responses each virtual user got, and whether requests were answered in the order they were sent (a request is overtaken when one sent after it, by any user, was answered first).</p>
${chartsIn(run, 'fairness')}
${fairnessTable(run)}
</section>`;
}
