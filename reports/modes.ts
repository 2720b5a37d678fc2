import type { CapacityRow, KneeRow, KneeStep, SpreadFile, SpreadStats } from '../harness/results/format.ts';
import { fmtMs, fmtNum, fmtRps } from './format.ts';
import { kneeOwnerWords, limitWords, rowFound } from '../harness/analysis/knee-policy.ts';

/** measured ÷ theoretical as a whole percentage; null when either is unknown. */
export function pctOf(measured: number | null | undefined, theory: number | null | undefined): number | null {
  if (measured === null || measured === undefined || !theory || !Number.isFinite(measured) || !Number.isFinite(theory)) return null;
  return Math.round((measured / theory) * 100);
}

const byRpsDesc = <T>(rows: readonly T[], rps: (r: T) => number | null): T[] =>
  rows.map((r, i) => ({ r, i })).sort((a, b) => (rps(b.r) ?? -1) - (rps(a.r) ?? -1) || a.i - b.i).map((x) => x.r);

/** "worker-pool served 69.4 req/s at 16 connections, 95% of its theoretical 72.7; express-dev 17.6 (97% of 18.2)". */
export function capacityTitle(rows: readonly CapacityRow[]): string {
  const measured = byRpsDesc(rows.filter((r) => r.rps !== null), (r) => r.rps);
  const parts = measured.map((r, i) => {
    const pct = pctOf(r.rps, r.theoreticalRps);
    if (i === 0) {
      return `${r.name} served ${fmtRps(r.rps)} at ${r.connections} connections${pct !== null ? `, ${pct}% of its theoretical ${fmtNum(r.theoreticalRps)}` : ''}`;
    }
    const conns = r.connections !== measured[0]!.connections ? ` at ${r.connections} connections` : '';
    return `${r.name} ${fmtNum(r.rps)}${conns}${pct !== null ? ` (${pct}% of ${fmtNum(r.theoreticalRps)})` : ''}`;
  });
  const failed = rows.filter((r) => r.rps === null).map((r) => `${r.name} ${r.state}`);
  return [...parts, ...failed].join('; ') || 'No target was measured';
}

/** One target's capacity in a sentence, with latency at that load and errors. */
export function capacitySentence(r: CapacityRow): string {
  if (r.rps === null && r.state === 'skipped') return `${r.name} was skipped: ${r.error ?? 'a requirement is missing'}.`;
  if (r.rps === null) return `${r.name} ${r.state === 'interrupted' ? 'was interrupted' : 'failed'} before its capacity was measured: ${r.error ?? 'no error message was recorded'}.`;
  const pct = pctOf(r.rps, r.theoreticalRps);
  const theory = r.theoreticalRps !== null
    ? ` — ${pct}% of the theoretical ${fmtRps(r.theoreticalRps)} (concurrency ${r.concurrency} ÷ mean service time)`
    : ` (no theoretical bound for work "${r.work}")`;
  const errs = r.errors > 0 ? `${fmtNum(r.errors)} errors${r.timeouts ? ` (${fmtNum(r.timeouts)} timeouts)` : ''}` : 'no errors';
  const cut = r.state === 'ok' ? '' : ` The measurement was ${r.state}: ${r.error ?? ''}`;
  return `${r.name} served ${fmtRps(r.rps)} with ${r.connections} connections sending as fast as answered${theory}; at that load p50 ${fmtMs(r.p50)}, p95 ${fmtMs(r.p95)}, p99 ${fmtMs(r.p99)}, ${errs}.${cut}`;
}

/** The lowest rate that did not hold (the other side of the bracket), if any. */
export function kneeBrokeAt(r: KneeRow): number | null {
  if (r.lowestBrokenRps !== undefined) return r.lowestBrokenRps;
  const broke = r.steps.filter((s) => !s.ok).map((s) => s.rate);
  return broke.length ? Math.min(...broke) : null;
}

const STOPPED: Record<KneeRow['stoppedBy'], string> = {
  bracketed: 'the knee was bracketed',
  'max-rate': 'it held up to the highest rate the search tries',
  'max-steps': 'the search ran out of steps',
  'time-cap': 'the search hit its time cap',
  'min-rate': 'even the lowest rate broke',
  interrupted: 'the run was interrupted',
  failed: 'the target failed',
  skipped: 'the target was skipped',
};
export const stoppedByText = (s: KneeRow['stoppedBy']): string => STOPPED[s] ?? s;

/** "express-dev steady at 16.3 req/s at p95 ≤ 500 ms, 90% of its theoretical 18.2; not at 17.5" (the bracket). */
export function kneeTitlePart(r: KneeRow, withSlo: boolean): string {
  const slo = withSlo ? ` at p95 ≤ ${fmtMs(r.sloMs)}` : '';
  if (r.maxSustainableRps === null) {
    return r.steps.length ? `${r.name} held no rate${slo} (lowest tried ${fmtRps(Math.min(...r.steps.map((s) => s.rate)))})` : `${r.name} ${r.state}`;
  }
  const pct = pctOf(r.maxSustainableRps, r.theoreticalRps);
  const broke = kneeBrokeAt(r);
  const theory = pct !== null ? `, ${pct}% of its theoretical ${fmtNum(r.theoreticalRps)}` : '';
  if (rowFound(r) === 'lower-bound') return `${r.name} steady at ≥ ${fmtRps(r.maxSustainableRps)}${slo}${theory}; no rate broke, so that is a lower bound, not the knee`;
  return `${r.name} steady at ${fmtRps(r.maxSustainableRps)}${slo}${theory}${broke !== null ? `; not at ${fmtNum(broke)}` : ''}`;
}

export function kneeTitle(rows: readonly KneeRow[]): string {
  const slos = new Set(rows.map((r) => r.sloMs));
  const sorted = byRpsDesc(rows, (r) => r.maxSustainableRps);
  const head = slos.size === 1 ? `Knee (p95 SLO ${fmtMs(rows[0]!.sloMs)}): ` : 'Knee: ';
  return head + (sorted.map((r) => kneeTitlePart(r, slos.size !== 1)).join('; ') || 'no target was measured');
}

export function kneeSentence(r: KneeRow): string {
  if (r.state === 'skipped') return `${r.name} was skipped: ${r.error ?? 'a requirement is missing'}.`;
  if (r.state === 'failed' && !r.steps.length) return `${r.name} failed before the knee search: ${r.error ?? 'no error message was recorded'}.`;
  const held = r.steps.filter((s) => s.ok).length;
  const cap = r.stepCapSeconds ? ` (up to ${fmtNum(r.stepCapSeconds)} s while unsettled)` : '';
  const trail = `${r.steps.length} step${r.steps.length === 1 ? '' : 's'} of ${fmtNum(r.stepSeconds)} s${cap} (${held} held), ended because ${stoppedByText(r.stoppedBy)}`;
  const limit = r.brokenBy && r.lowestBrokenRps != null ? ` At ${fmtRps(r.lowestBrokenRps)} ${limitWords(r.brokenBy)}${kneeOwnerWords(r.brokenBy) ? `, so ${kneeOwnerWords(r.brokenBy)}` : ''}.` : '';
  return `${kneeTitlePart(r, true)}. Open-model arrivals, ${trail}.${limit}${r.error && r.state !== 'ok' ? ` ${r.error}.` : ''}`;
}

/** How far apart repeats landed: (max − min) ÷ median of one stage metric, in %. */
export const relSpread = (s: SpreadStats | null): number | null => (s && s.median > 0 ? ((s.max - s.min) / s.median) * 100 : null);

export interface WidestSpread { target: string; stage: number; metric: 'p95' | 'rps'; pct: number; stats: SpreadStats }

/** The stage whose metric varied most across repeats (stages measured by at least 2 repeats). */
export function widestSpread(file: SpreadFile, metric: 'p95' | 'rps'): WidestSpread | null {
  let best: WidestSpread | null = null;
  for (const t of file.targets) {
    for (const s of t.stages ?? []) {
      const st = s[metric];
      const pct = relSpread(st);
      if (st && pct !== null && s.n >= 2 && (!best || pct > best.pct)) best = { target: t.name, stage: s.index, metric, pct, stats: st };
    }
  }
  return best;
}

/** The headline's word on repeats: what the numbers are and how much the repeats disagreed. */
export function spreadSentence(file: SpreadFile): string {
  const n = file.repeats;
  const parts = [`Figures for each target are the stage-wise median of ${n} interleaved repeats (A B A B …, so a drift of the machine hits every target alike).`];
  const p95 = widestSpread(file, 'p95');
  const rps = widestSpread(file, 'rps');
  if (p95) {
    parts.push(`Across repeats p95 varied by up to ${fmtNum(p95.pct)}% of its median (${p95.target}, stage ${p95.stage + 1}: ${fmtMs(p95.stats.min)} to ${fmtMs(p95.stats.max)})`
      + (rps ? `, req/s by up to ${fmtNum(rps.pct)}% (${rps.target}, stage ${rps.stage + 1}: ${fmtNum(rps.stats.min)} to ${fmtNum(rps.stats.max)}).` : '.'));
    if (p95.pct >= 50) parts.push('A difference between targets smaller than that is noise, not a finding.');
  } else {
    parts.push('No stage was measured by two or more repeats, so there is no spread to judge by.');
  }
  return parts.join(' ');
}

/** Rate order for charts and tables: the search's order is kept in `order`. */
export const stepsByRate = (steps: readonly KneeStep[]): (KneeStep & { order: number })[] =>
  steps.map((s, i) => ({ ...s, order: i + 1 })).sort((a, b) => a.rate - b.rate || a.order - b.order);
