import { fmtMs, fmtPct, fmtRps } from '../format.ts';
import { html, type Html } from '../html.ts';
import type { RunData } from '../../harness/results/run-data.ts';
import type { ThresholdCheck, ThresholdOutcome } from '../../harness/results/format.ts';

const LABEL = { pass: 'pass', fail: 'fail', skipped: 'skipped' } as const;

const isOutcome = (x: unknown): x is ThresholdOutcome => {
  const o = x as Partial<ThresholdOutcome> | null;
  return typeof o === 'object' && o !== null && typeof o.expression === 'string' && typeof o.target === 'string' && (o.status === 'pass' || o.status === 'fail' || o.status === 'skipped');
};

/** The outcomes summary.json holds; an entry of another shape (a hand-edited or foreign file) is left out. */
export function thresholdOutcomes(run: RunData): ThresholdOutcome[] {
  return outcomesIn(run.summary);
}

/** The same, from a summary.json read as it is (the runs index does not validate it). */
export function outcomesIn(summary: { thresholds?: unknown } | null | undefined): ThresholdOutcome[] {
  const t = summary?.thresholds;
  return Array.isArray(t) ? t.filter(isOutcome) : [];
}

function fmt(v: number | null | undefined, unit: ThresholdOutcome['unit']): string {
  return unit === 'ms' ? fmtMs(v) : unit === '%' ? fmtPct(v) : fmtRps(v);
}

const where = (stage: number | null | undefined) => (stage === null || stage === undefined ? 'run' : `S${stage + 1}`);

/** Each check of a scope that covers several stages: `S1 60 ms ✓ · S2 180 ms ✗`. */
function checksLine(o: ThresholdOutcome): Html | string {
  const checks: ThresholdCheck[] = Array.isArray(o.checks) ? o.checks : [];
  if (checks.length < 2) return '';
  return html`<br><span class="muted">${checks.map((c, i) => html`${i ? ' · ' : ''}${where(c.stage)} ${fmt(c.value, o.unit)} ${c.pass ? '✓' : html`<span class="over">✗</span>`}`)}</span>`;
}

/**
 * The pass / fail panel of the profile's thresholds and `--assert`s (summary.json `thresholds`),
 * one row per target × threshold; nothing when the run had none.
 */
export function thresholdsSection(run: RunData): Html | string {
  const all = thresholdOutcomes(run);
  if (all.length === 0) return '';
  const failed = all.filter((o) => o.status === 'fail').length;
  const judged = all.filter((o) => o.status !== 'skipped').length;
  const title = failed ? `Thresholds: ${failed} of ${judged} failed` : `Thresholds: all ${judged} passed`;
  return html`<section class="thresholds ${failed ? 'failed' : 'passed'}" id="thresholds">
<h2>${title}</h2>
<p class="muted">The profile's <code>thresholds</code> and the <code>--assert</code> expressions, judged on this run's results${run.summary?.targets.some((t) => (t.repeats ?? 1) > 1) ? ' (with repeats: on the medians across them, as the tables)' : ''}. A failed one makes <code>npm run lab</code> exit 3.</p>
<div class="scroll"><table class="thresholds"><thead><tr><th>result</th><th>target</th><th>threshold</th><th>from</th><th class="num">measured</th><th class="num">limit</th><th>where / why</th></tr></thead><tbody>${all.map((o) => html`
<tr class="${o.status}"><td><span class="badge ${o.status}">${LABEL[o.status]}</span></td><td>${o.target}</td><td><code>${o.expression}</code></td><td>${o.source === 'cli' ? '--assert' : 'profile'}</td><td class="num">${fmt(o.value, o.unit)}</td><td class="num">${o.limit === null ? '–' : html`${o.op} ${fmt(o.limit, o.unit)}`}</td><td class="why">${o.message}${checksLine(o)}</td></tr>`)}
</tbody></table></div>
</section>`;
}
