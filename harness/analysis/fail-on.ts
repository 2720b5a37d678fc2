import { COMPARE_METRICS, type CompareBreach, type CompareMetric, type CompareTarget } from '../results/format.ts';
import { LOWER_IS_BETTER } from './compare.ts';

/** One --fail-on rule: a regression of `metric` larger than `amount` (in `unit`) fails the comparison. */
export interface FailRule {
  text: string;
  metric: CompareMetric;
  amount: number;
  /** '%': relative to the base median; 'ms': absolute latency; 'pp': absolute percentage points (errors). */
  unit: '%' | 'ms' | 'pp';
}

const UNITS: Record<CompareMetric, readonly FailRule['unit'][]> = { p50: ['%', 'ms'], p95: ['%', 'ms'], p99: ['%', 'ms'], rps: ['%'], errors: ['pp'] };
const RULE = /^([a-z0-9]+):([+-]?)(\d+(?:\.\d+)?)(%|ms|pp)$/;

/** A rule the parser refuses; the message names it and says what was expected. */
export class FailOnError extends Error {}

/**
 * `p95:+10%,rps:-5%,errors:+1pp` → rules. The sign, when given, must be the direction the metric
 * regresses in (latency and errors up, req/s down).
 */
export function parseFailOn(text: string): FailRule[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new FailOnError('--fail-on: expected rules like "p95:+10%,rps:-5%,errors:+1pp", got an empty string');
  return parts.map((p) => {
    const m = RULE.exec(p.replace(/\s+/g, ''));
    if (!m) throw new FailOnError(`--fail-on: rule ${JSON.stringify(p)} is not METRIC:±N(%|ms|pp), e.g. "p95:+10%"`);
    const [, name, sign, num, unit] = m as unknown as [string, string, string, string, FailRule['unit']];
    if (!(COMPARE_METRICS as readonly string[]).includes(name)) throw new FailOnError(`--fail-on: rule ${JSON.stringify(p)}: metric must be one of ${COMPARE_METRICS.join(', ')}, got ${JSON.stringify(name)}`);
    const metric = name as CompareMetric;
    const worse = LOWER_IS_BETTER[metric] ? '+' : '-';
    if (sign && sign !== worse) throw new FailOnError(`--fail-on: rule ${JSON.stringify(p)}: ${metric} regresses ${worse === '+' ? 'upwards' : 'downwards'}, so write ${metric}:${worse}${num}${unit}`);
    if (!UNITS[metric].includes(unit)) throw new FailOnError(`--fail-on: rule ${JSON.stringify(p)}: ${metric} takes ${UNITS[metric].join(' or ')}, got ${unit}`);
    const amount = Number(num);
    return { text: p, metric, amount, unit };
  });
}

/** Cells that are significantly worse (verdict 'worse') by more than a rule allows. */
export function breachesOf(targets: readonly CompareTarget[], rules: readonly FailRule[]): CompareBreach[] {
  const out: CompareBreach[] = [];
  for (const t of targets) for (const s of t.stages) for (const c of s.cells) {
    if (c.verdict !== 'worse' || c.deltaAbs === null || c.p === null) continue;
    for (const r of rules) {
      if (r.metric !== c.metric) continue;
      const size = r.unit === '%' ? (c.deltaPct === null ? null : Math.abs(c.deltaPct)) : Math.abs(c.deltaAbs);
      if (size !== null && size > r.amount) out.push({ rule: r.text, target: t.name, stage: s.index, metric: c.metric, deltaAbs: c.deltaAbs, deltaPct: c.deltaPct, p: c.p });
    }
  }
  return out;
}
