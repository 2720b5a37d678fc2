/**
 * The threshold grammar (docs/thresholds.md), shared by `--assert` and a profile's `thresholds`:
 *
 *   [TARGET:]METRIC OP VALUE[@SCOPE]
 *
 *   TARGET  a target's name (a `--url` server's is its host:port), or `*`; default: every target
 *   METRIC  p50 p90 p95 p99 p999 max mean (latency) · rps (successful req/s) · errors (% of requests)
 *   OP      <  <=  >  >=
 *   VALUE   latency: N ms | N s · errors: N % · rps: N | N*offered | offered
 *   SCOPE   run (default) | every-stage | stage=N (1-based) | stage=NAME (a stage's `name`)
 */

export const THRESHOLD_METRICS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'rps', 'errors'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];
export const THRESHOLD_OPS = ['<', '<=', '>', '>='] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

export type ThresholdScope = { kind: 'run' } | { kind: 'every-stage' } | { kind: 'stage'; index: number } | { kind: 'stage'; name: string };

export interface Threshold {
  /** As written (whitespace trimmed); what the terminal, summary.json and JUnit call it. */
  expression: string;
  /** Where it came from: a profile's `thresholds` or `--assert`. */
  source: 'profile' | 'cli';
  /** One target's name, or null for every target. */
  target: string | null;
  metric: ThresholdMetric;
  op: ThresholdOp;
  /** The bound in `unit` (ms, %, req/s); with `ofOffered`, a factor of the offered rate instead. */
  value: number;
  ofOffered: boolean;
  unit: 'ms' | '%' | 'req/s';
  scope: ThresholdScope;
}

/** An expression the grammar refuses; the message names it and says what was expected. */
export class ThresholdError extends Error {}

const LATENCY = new Set<ThresholdMetric>(['p50', 'p90', 'p95', 'p99', 'p999', 'max', 'mean']);
const SHAPE = /^(?:(.*):)?([a-z0-9.]+)(<=|>=|<|>)([^@]*)(?:@(.*))?$/i;
const NUMBER = /^\d+(?:\.\d+)?$/;
const STAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * `express-dev:p95<300ms@every-stage` → a Threshold. `label` is how an error names the
 * expression's origin (`--assert`, `profile step: thresholds[1]`).
 */
export function parseThreshold(text: string, source: Threshold['source'], label = source === 'cli' ? '--assert' : 'threshold'): Threshold {
  const expression = text.trim();
  const fail = (why: string) => new ThresholdError(`${label} ${JSON.stringify(expression)}: ${why}`);
  const m = SHAPE.exec(expression.replace(/\s+/g, ''));
  if (!m) throw fail('expected [TARGET:]METRIC OP VALUE[@SCOPE], e.g. "p95<300ms", "errors<1%@every-stage", "express-dev:rps>=0.9*offered"');
  const [, rawTarget, rawMetric, op, rawValue, rawScope] = m as unknown as [string, string | undefined, string, ThresholdOp, string, string | undefined];
  const metric = rawMetric.toLowerCase();
  if (!(THRESHOLD_METRICS as readonly string[]).includes(metric)) throw fail(`metric must be one of ${THRESHOLD_METRICS.join(', ')}, got ${JSON.stringify(rawMetric)}`);
  const target = rawTarget === undefined || rawTarget === '*' ? null : rawTarget;
  if (target === '') throw fail('the target before ":" is empty (leave out "TARGET:" for every target)');
  return { expression, source, target, metric: metric as ThresholdMetric, op, ...parseValue(metric as ThresholdMetric, rawValue, fail), scope: parseScope(rawScope, fail) };
}

function parseValue(metric: ThresholdMetric, raw: string, fail: (why: string) => ThresholdError): Pick<Threshold, 'value' | 'ofOffered' | 'unit'> {
  if (raw === '') throw fail(`${metric} needs a value after the operator`);
  if (LATENCY.has(metric)) {
    const v = /^(\d+(?:\.\d+)?)(ms|s)$/i.exec(raw);
    if (!v) throw fail(`${metric} is a latency: give it in ms or s, e.g. "${metric}<300ms", got ${JSON.stringify(raw)}`);
    const n = Number(v[1]);
    return { value: v[2]!.toLowerCase() === 's' ? n * 1000 : n, ofOffered: false, unit: 'ms' };
  }
  if (metric === 'errors') {
    const v = /^(\d+(?:\.\d+)?)%$/.exec(raw);
    if (!v) throw fail(`errors is a share of requests: give it in %, e.g. "errors<1%", got ${JSON.stringify(raw)}`);
    const n = Number(v[1]);
    if (n > 100) throw fail(`errors must be at most 100%, got ${raw}`);
    return { value: n, ofOffered: false, unit: '%' };
  }
  if (NUMBER.test(raw)) return { value: Number(raw), ofOffered: false, unit: 'req/s' };
  const o = /^(?:(\d+(?:\.\d+)?)\*)?offered$/i.exec(raw);
  if (!o) throw fail(`rps takes req/s or a factor of the offered rate, e.g. "rps>=50" or "rps>=0.9*offered", got ${JSON.stringify(raw)}`);
  return { value: o[1] === undefined ? 1 : Number(o[1]), ofOffered: true, unit: 'req/s' };
}

function parseScope(raw: string | undefined, fail: (why: string) => ThresholdError): ThresholdScope {
  if (raw === undefined || raw.toLowerCase() === 'run') return { kind: 'run' };
  if (raw.toLowerCase() === 'every-stage') return { kind: 'every-stage' };
  const s = /^stage=(.+)$/i.exec(raw);
  if (s) {
    const which = s[1]!;
    if (/^\d+$/.test(which)) {
      const n = Number(which);
      if (n < 1) throw fail('stages are numbered from 1, got stage=0');
      return { kind: 'stage', index: n - 1 };
    }
    if (STAGE_NAME.test(which)) return { kind: 'stage', name: which };
  }
  throw fail(`scope must be @run, @every-stage, @stage=N (from 1) or @stage=NAME, got ${JSON.stringify(`@${raw}`)}`);
}

/** How a scope reads in messages: "the run", "every stage", "stage 3", "stage peak". */
export function scopeText(s: ThresholdScope): string {
  if (s.kind === 'run') return 'run';
  if (s.kind === 'every-stage') return 'every stage';
  return 'index' in s ? `stage ${s.index + 1}` : `stage ${s.name}`;
}

/** A profile's threshold object as an expression, so both forms share one grammar. */
export function thresholdText(t: { metric: string; op: string; value: string | number; scope?: string; target?: string }): string {
  return `${t.target === undefined ? '' : `${t.target}:`}${t.metric}${t.op}${String(t.value)}${t.scope === undefined ? '' : `@${t.scope}`}`;
}

/**
 * Refuse what the run cannot answer, before it starts: a target not in it, a stage number past
 * the profile's last, a stage name the profile does not have. Returns one line, or null.
 */
export function checkAgainstRun(t: Threshold, run: { targets: readonly string[]; stages: readonly { name?: string | undefined }[] }, label = t.source === 'cli' ? '--assert' : 'threshold'): string | null {
  const name = `${label} ${JSON.stringify(t.expression)}`;
  if (t.target !== null && !run.targets.includes(t.target)) return `${name}: no target "${t.target}" in this run (targets: ${run.targets.join(', ')})`;
  const s = t.scope;
  if (s.kind === 'stage' && 'index' in s && s.index >= run.stages.length) return `${name}: the profile has ${run.stages.length} stage(s), got stage=${s.index + 1}`;
  if (s.kind === 'stage' && 'name' in s && !run.stages.some((x) => x.name === s.name)) {
    const names = run.stages.map((x) => x.name).filter((x): x is string => x !== undefined);
    return `${name}: no stage named "${s.name}" in the profile (${names.length ? `named: ${names.join(', ')}` : 'its stages have no names; use stage=N'})`;
  }
  return null;
}
