import type { CompareCell, CompareFile, CompareMetric } from '../results/format.ts';
import { alignColumns } from './table.ts';

const UNIT: Record<CompareMetric, string> = { p50: 'ms', p95: 'ms', p99: 'ms', rps: 'req/s', errors: '%' };
const num = (x: number, digits: number) => x.toFixed(digits);
const digitsOf = (m: CompareMetric) => (m === 'errors' ? 2 : 1);

function value(c: CompareCell, x: number | null): string {
  return x === null ? '—' : `${num(x, digitsOf(c.metric))} ${UNIT[c.metric]}`;
}

function delta(c: CompareCell): [string, string] {
  if (c.deltaAbs === null) return ['—', '—'];
  const sign = (x: number) => (x > 0 ? '+' : '');
  const unit = c.metric === 'errors' ? 'pp' : UNIT[c.metric];
  return [`${sign(c.deltaAbs)}${num(c.deltaAbs, digitsOf(c.metric))} ${unit}`, c.deltaPct === null ? '—' : `${sign(c.deltaPct)}${num(c.deltaPct, 1)} %`];
}

const pText = (c: CompareCell) => (c.p === null ? '—' : c.p < 0.001 ? '<0.001' : c.p.toFixed(3));

/** Names come from run folders on disk: control characters (terminal escapes) are shown, not sent. */
const safe = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** The terminal view of compare.json: environment differences, then per target a row per stage × metric, then notes. */
export function formatCompare(f: CompareFile): string {
  const out: string[] = [];
  const alpha = 1 - f.confidence;
  out.push(`compare: ${safe(f.base.runId)} (base) → ${safe(f.new.runId)} (new), Mann-Whitney U over repeats, ${Math.round(f.confidence * 1000) / 10} % confidence`);
  if (f.environment.length) {
    out.push('', 'WARNING the runs come from different environments; a difference may come from these, not from the change:');
    for (const d of f.environment) out.push(`  ${d.field}: ${safe(d.base)} → ${safe(d.new)}`);
  }
  for (const t of f.targets) {
    out.push('', `${safe(t.name)} — ${t.baseRepeats} vs ${t.newRepeats} repeat(s)`);
    const head = ['stage', 'load', 'metric', 'base', 'new', 'Δ', 'Δ %', 'p', 'verdict'];
    const rows = t.stages.flatMap((s) => s.cells.map((c) => {
      const load = s.baseLoad === s.newLoad ? String(s.baseLoad) : `${s.baseLoad}→${s.newLoad}`;
      return [String(s.index + 1), load, c.metric, value(c, c.base), value(c, c.new), ...delta(c), pText(c), c.verdict];
    }));
    out.push(rows.length ? alignColumns([head, ...rows]).replace(/^/gm, '  ') : '  (no stage measured in both runs)');
  }
  if (f.onlyInBase.length) out.push('', `only in base (not compared): ${f.onlyInBase.map(safe).join(', ')}`);
  if (f.onlyInNew.length) out.push('', `only in new (not compared): ${f.onlyInNew.map(safe).join(', ')}`);
  const cells = f.targets.flatMap((t) => t.stages.flatMap((s) => s.cells));
  if (cells.some((c) => c.verdict === 'unknown')) out.push('', 'note: one run on a side: the difference is shown, its significance is unknown — run with --repeat 5');
  const weak = cells.find((c) => c.minP !== null && c.minP >= alpha);
  if (weak) out.push('', `note: with ${weak.baseValues.length} vs ${weak.newValues.length} values the smallest possible p is ${weak.minP!.toFixed(3)}, not below ${alpha.toFixed(3)}: no difference can be detected — run with --repeat 5`);
  if (f.failOn !== null) {
    out.push('', f.breaches.length ? `FAIL --fail-on '${f.failOn}': ${f.breaches.length} significant regression(s) past a rule:` : `pass --fail-on '${f.failOn}': no significant regression past a rule`);
    for (const b of f.breaches) out.push(`  ${safe(b.target)} stage ${b.stage + 1} ${b.metric}: ${b.deltaAbs > 0 ? '+' : ''}${b.deltaAbs.toFixed(2)}${b.deltaPct === null ? '' : ` (${b.deltaPct > 0 ? '+' : ''}${b.deltaPct.toFixed(1)} %)`}, p = ${b.p.toFixed(4)} — rule ${b.rule}`);
  }
  return out.join('\n');
}
