import type { IntervalRow, LatencyStats, StageStats, TargetState, ThresholdCheck, ThresholdOutcome } from '../results/format.ts';
import { scopeText, type Threshold, type ThresholdMetric } from './threshold-parse.ts';

/** What a threshold can be held to, for the whole run or one stage. Latencies ms, errors %, rates req/s. */
export interface MetricValues extends Record<ThresholdMetric, number | null> {
  /** The rate the load offered (see docs/thresholds.md); null when the run cannot know it. */
  offered: number | null;
}

export interface StageValues extends MetricValues {
  index: number;
  /** The profile stage's `name`, when it has one. */
  name?: string;
  /** Stage load (users or arrival rate) and completed requests: a stage with neither offered nothing. */
  users: number;
  requests: number;
}

/** One target's results, as the thresholds see them (with --repeat: the medians across repeats). */
export interface ThresholdSubject {
  target: string;
  state: TargetState;
  run: MetricValues;
  stages: StageValues[];
}

/** A stage's figures (stages.json, or the medians of repeats) as threshold values. */
export function stageValues(s: StageStats, offered: number | null, name?: string): StageValues {
  return {
    index: s.index, users: s.users, requests: s.requests, ...(name === undefined ? {} : { name }),
    p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, p999: s.p999, max: s.max, mean: s.mean,
    rps: s.rps, errors: s.requests > 0 ? s.errorPct : null, offered,
  };
}

/**
 * The whole run: latencies from the run's histogram (warm-up excluded, as histograms.json `run`),
 * req/s = successes per second over every second recorded, errors = errored ÷ completed requests.
 */
export function runValues(latency: LatencyStats, rows: readonly Pick<IntervalRow, 'rps' | 'requests' | 'errorsTotal'>[], offered: number | null): MetricValues {
  const requests = rows.reduce((n, r) => n + r.requests, 0);
  const errors = rows.reduce((n, r) => n + r.errorsTotal, 0);
  const ok = rows.reduce((n, r) => n + r.rps, 0);
  return {
    p50: latency.p50, p90: latency.p90, p95: latency.p95, p99: latency.p99, p999: latency.p999, max: latency.max, mean: latency.mean,
    rps: rows.length ? round2(ok / rows.length) : null,
    errors: requests > 0 ? round2((100 * errors) / requests) : null,
    offered,
  };
}

/** The median of each value across repeats (nulls left out): the run scope with --repeat, as summary.json's stages. */
export function medianValues(runs: readonly MetricValues[]): MetricValues {
  const keys = Object.keys(runs[0] ?? {}) as (keyof MetricValues)[];
  return Object.fromEntries(keys.map((k) => {
    const v = runs.map((r) => r[k]).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const mid = v.length >> 1;
    return [k, v.length === 0 ? null : round2(v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2)];
  })) as unknown as MetricValues;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

const holds = (op: Threshold['op'], v: number, limit: number) => (op === '<' ? v < limit : op === '<=' ? v <= limit : op === '>' ? v > limit : v >= limit);

function check(t: Threshold, values: MetricValues | undefined, stage: number | null): ThresholdCheck {
  const value = values?.[t.metric] ?? null;
  const offered = values?.offered ?? null;
  const limit = t.ofOffered ? (offered === null ? null : round2(t.value * offered)) : t.value;
  return { stage, value, limit, ...(t.ofOffered ? { offered } : {}), pass: value !== null && limit !== null && holds(t.op, value, limit) };
}

/** How far a passing check is inside its limit, relative to it: the smallest is the one to show. */
function margin(t: Threshold, c: ThresholdCheck): number {
  if (c.value === null || c.limit === null) return -Infinity;
  const d = t.op.startsWith('<') ? c.limit - c.value : c.value - c.limit;
  return d / Math.max(Math.abs(c.limit), 1e-9);
}

/** The stages a scope covers; every-stage leaves out a stage that offered nothing (0 users, no request). */
function checksOf(t: Threshold, s: ThresholdSubject): ThresholdCheck[] {
  const sc = t.scope;
  if (sc.kind === 'run') return [check(t, s.run, null)];
  if (sc.kind === 'every-stage') return s.stages.filter((x) => x.users > 0 || x.requests > 0).map((x) => check(t, x, x.index));
  const index = 'index' in sc ? sc.index : s.stages.find((x) => x.name === sc.name)?.index;
  // A stage never reached (an interrupted run, a dead target) was not measured: that fails.
  return [check(t, s.stages.find((x) => x.index === index), index ?? null)];
}

const num = (n: number, digits?: number) => String(Number(n.toFixed(digits ?? (n >= 100 ? 0 : n >= 10 ? 1 : 2))));

/** 212 ms, 1.25 s, 0.4%, 17.9 req/s; `digits` fixes the decimals (trailing zeros dropped). */
export function formatValue(v: number, unit: Threshold['unit'], digits?: number): string {
  if (unit === 'ms') return v >= 1000 ? `${num(v / 1000, digits === undefined ? undefined : digits + 3)} s` : `${num(v, digits)} ms`;
  return unit === '%' ? `${num(v, digits)}%` : `${num(v, digits)} req/s`;
}

function why(t: Threshold, c: ThresholdCheck): string {
  const where = c.stage === null ? 'over the run' : `at stage ${c.stage + 1}`;
  if (c.value === null) return `${t.metric} not measured ${where} (${t.metric === 'errors' ? 'no request completed' : t.metric === 'rps' ? 'nothing recorded' : 'no successful response'})`;
  if (c.limit === null) return `${t.metric} ${formatValue(c.value, t.unit)} ${where}; the offered rate is not known, so ${t.expression} cannot be judged`;
  // Rounded alike, a value and its limit would read "17.1 (limit >= 17.1)" and fail: show both to 0.01 then.
  const precise = formatValue(c.value, t.unit) === formatValue(c.limit, t.unit);
  const f = (v: number, unit: Threshold['unit']) => (precise ? formatValue(v, unit, 2) : formatValue(v, unit));
  const of = t.ofOffered ? ` = ${num(t.value)} × ${f(c.offered ?? 0, 'req/s')} offered` : '';
  return `${t.metric} ${f(c.value, t.unit)} ${where} (limit ${t.op} ${f(c.limit, t.unit)}${of})`;
}

/** One threshold for one target: pass only when every check in its scope holds. */
export function evaluateOne(t: Threshold, s: ThresholdSubject): ThresholdOutcome {
  const base = { expression: t.expression, source: t.source, target: s.target, metric: t.metric, op: t.op, unit: t.unit, scope: scopeText(t.scope) };
  if (s.state === 'skipped') return { ...base, status: 'skipped', value: null, limit: null, stage: null, checks: [], message: 'not judged: the target was skipped' };
  const checks = checksOf(t, s);
  if (checks.length === 0) return { ...base, status: 'fail', value: null, limit: null, stage: null, checks, message: 'no stage was measured' };
  const failed = checks.filter((c) => !c.pass);
  const shown = failed[0] ?? checks.reduce((a, b) => (margin(t, b) < margin(t, a) ? b : a));
  const more = failed.length > 1 ? `; ${failed.length} of ${checks.length} stages fail` : '';
  const worst = failed.length === 0 && checks.length > 1 ? 'closest: ' : '';
  return { ...base, status: failed.length ? 'fail' : 'pass', value: shown.value, limit: shown.limit, stage: shown.stage, checks, message: `${worst}${why(t, shown)}${more}` };
}

/** Every threshold for every target it names (all of them when it names none), target by target. */
export function evaluateThresholds(thresholds: readonly Threshold[], subjects: readonly ThresholdSubject[]): ThresholdOutcome[] {
  return subjects.flatMap((s) => thresholds.filter((t) => t.target === null || t.target === s.target).map((t) => evaluateOne(t, s)));
}
