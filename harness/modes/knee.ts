import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { MAX_CONNECTIONS, MAX_RATE, openProfileSchema, type OpenProfile } from '../../profiles/lib/define.ts';
import { SERVICE_MAX_MS } from '../../targets/lib/prng.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { blast, CAPACITY_DEFAULTS, theoreticalRps } from './capacity.ts';
import { driveOpen } from '../drive/open.ts';
import { warmUp } from '../drive/warmup.ts';
import { preconnectedPool } from '../drive/preconnect.ts';
import { holdToCap, KNEE_POLICY, kneeBracket, kneeFound, limitWords, nextKneeRate, probedPolicy, searchTop, stepInFlight, stepLimit, stepPlan, type KneePolicy, type StepPlan } from '../analysis/knee-policy.ts';
import { LAB_OWN_FDS, openFileLimit } from '../drive/fd-limit.ts';
import { judgeSteady, STEADY_RULE, type LoadSecond, type SteadyEvidence } from '../analysis/steady-state.ts';
import { errorText, notMeasured, targetInfo, withTarget, type ModeOptions, type TargetInfo } from './with-target.ts';
import { Recorder } from '../record/recorder.ts';
import type { IntervalRow, KneeRow, KneeStep, KneeStepLoad } from '../results/format.ts';
import { readTree } from '../record/saturation/tree.ts';
import { cpuPct, round1, round2, treeCpuPct } from '../record/saturation/compute.ts';
import { selfCpu } from '../record/saturation/generator.ts';
import { machineShares, machineTicks } from '../record/saturation/machine.ts';
import { stageWindows } from '../analysis/schedule.ts';
import type { StartedTarget } from '../spawn/start-target.ts';
import type { FoundTarget } from '../input/discover.ts';
import { formatMs } from '../analysis/verdict.ts';

export const KNEE_DEFAULTS = { sloMs: 500 } as const;
/** Wall-clock cap per target, whatever the policy would still try. */
const TARGET_CAP_S = 240;
const WARMUP_SECONDS = 1;
/** Between steps, wait (at most this long) until a fresh request is served promptly again. */
const SETTLE_CAP_MS = 15_000;
/** "Promptly": the slowest possible service time plus slack; two in a row mean the queue is gone. */
const CALM_MS = SERVICE_MAX_MS + 50;
/** A step that is clearly broken may stop once it has this many seconds of evidence. */
const EARLY_BREAK_AFTER_S = 5;

export interface KneeOptions extends ModeOptions {
  /** p95 bound (ms) a rate must hold to count as sustainable. @default 500 */
  sloMs?: number;
  /** Seconds each rate is held before it is judged (held to twice that while unsettled). @default derived from the SLO (stepPlan) */
  stepSeconds?: number;
  policy?: KneePolicy;
  /** Wall-clock cap per target (s). @default 240 */
  targetCapSeconds?: number;
  /**
   * Before the search, measure the target's closed-loop max req/s for this many seconds
   * (autocannon, as --capacity does) and aim the policy at it (probedPolicy). @default no probe
   */
  probeSeconds?: number;
}

/** A started target as the search sees it: its pid (for its CPU) when the lab started it. */
type Started = Pick<StartedTarget, 'url' | 'exited'> & Partial<Pick<StartedTarget, 'pid'>>;

/** What the search needs from the outside world; tests replace it to run without servers or waiting. */
export interface KneeIo {
  withTarget<T>(o: ModeOptions, t: FoundTarget, fn: (started: Started, info: TargetInfo) => Promise<T>): Promise<T>;
  warmUp(origin: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /**
   * Offer `rate` req/s for up to `seconds`; `stop(rows)` is asked after every second and ends
   * the step early when true. Returns the seconds measured and the step's whole p95.
   */
  holdRate(a: { origin: string; pid?: number; rate: number; seconds: number; timeoutMs: number; seed: number; signal: AbortSignal; stop(rows: readonly IntervalRow[]): boolean }): Promise<HeldRate>;
  settle(origin: string, signal: AbortSignal): Promise<void>;
  /** Closed-loop max req/s over `seconds` (the probe); null when nothing was answered. */
  probe(origin: string, seconds: number, signal: AbortSignal): Promise<number | null>;
  /** Milliseconds, for the per-target time cap. */
  now(): number;
}

/** What holding one rate gave: the seconds, the step's p95 and drops, and (real runs) each side's load and the arrivals scheduled. */
export interface HeldRate { rows: IntervalRow[]; p95: number | null; dropped: number; load?: KneeStepLoad; scheduled?: number }

/**
 * A request slower than a few SLOs already failed the step; waiting 10 s for it would only
 * stretch the search, and the backlog it leaves is what `settle` waits out.
 */
const stepTimeoutMs = (sloMs: number) => Math.min(10_000, Math.max(2000, 4 * sloMs));

/** Connections a step may open: the open-file limit less the lab's own descriptors and the settle probe's. */
const connectionBudget = () => Math.min(MAX_CONNECTIONS, (openFileLimit()?.soft ?? Infinity) - LAB_OWN_FDS - 2);

function stepProfile(rate: number, seconds: number, timeoutMs: number): OpenProfile {
  const maxInFlight = stepInFlight(rate, connectionBudget());
  return openProfileSchema.parse({ name: 'knee-step', model: 'open', stages: [{ at: 0, rate }], duration: seconds, timeoutMs, warmupSeconds: 0, maxInFlight });
}

/** The target's process tree now, or null when it cannot be read (best effort, as saturation sampling). */
const treeNow = (pid: number | undefined) => (pid === undefined ? Promise.resolve(null) : readTree(pid).catch(() => null));

/**
 * One rate through the open driver; an early stop aborts it (in-flight requests are then dropped
 * unrecorded). Around it, the generator's (this process's) CPU and event-loop use and the
 * target's CPU, so a broken step can say which side was the limit (stepLimit).
 */
const holdRate: KneeIo['holdRate'] = async (a) => {
  const profile = stepProfile(a.rate, a.seconds, a.timeoutMs);
  // Connections first, before the step's clock and its CPU figures: the cap's worth, each
  // confirmed by one unrecorded request (latency is still timed from each arrival's intended time).
  const { pool } = await preconnectedPool({ origin: a.origin, maxInFlight: profile.maxInFlight, timeoutMs: a.timeoutMs, signal: a.signal });
  const enough = new AbortController();
  const seen: IntervalRow[] = [];
  const recorder = new Recorder({
    windows: stageWindows(profile), duration: a.seconds, expectedIntervalUs: null, latencyBasis: 'intended',
    onInterval: (row) => { seen.push(row); if (!enough.signal.aborted && a.stop(seen)) enough.abort(); },
  });
  const tree0 = await treeNow(a.pid);
  const machine0 = machineTicks();
  const gen0 = selfCpu();
  const elu0 = performance.eventLoopUtilization();
  const drive = await driveOpen({ origin: a.origin, profile, recorder, signal: AbortSignal.any([a.signal, enough.signal]), seed: a.seed, pool });
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const genCpuPct = cpuPct(gen0, selfCpu());
  const machine1 = machineTicks();
  const tree1 = await treeNow(a.pid);
  const { rows, stages } = enough.signal.aborted ? recorder.finish(seen.length) : recorder.finish();
  const machine = machineShares(machine0, machine1, cpus().length);
  const load: KneeStepLoad = {
    genCpuPct: round1(genCpuPct),
    genElu: Number.isFinite(elu) ? round2(elu) : null,
    serverCpuPct: tree0 && tree1 ? round1(treeCpuPct(tree0.cpu, tree1.cpu)) : null,
    serverProcesses: tree1?.pids.length ?? null,
    cores: cpus().length,
    machineCpuPct: round1(machine?.busyPct ?? null),
    softirqPct: round1(machine?.softirqPct ?? null),
    stealPct: round1(machine?.stealPct ?? null),
    droppedAtCap: drive.droppedAtCap, droppedLate: drive.droppedLate, maxLagMs: round1(drive.maxLagMs) ?? 0,
  };
  return { rows, p95: stages[0]?.p95 ?? null, dropped: drive.dropped, load, scheduled: drive.scheduled };
};

/**
 * A step that overloaded the server leaves a queue in it (requests we timed out may still be
 * worked on); the next step must not inherit it, or a lower rate would look broken.
 */
async function settle(origin: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + SETTLE_CAP_MS;
  let calm = 0;
  while (calm < 2 && Date.now() < deadline && !signal.aborted) {
    const t0 = performance.now();
    try {
      const res = await request(`${origin}/`, { signal: AbortSignal.any([signal, AbortSignal.timeout(SETTLE_CAP_MS)]) });
      await res.body.dump();
    } catch { /* a failure is not calm either; the deadline bounds the loop */ }
    calm = performance.now() - t0 <= CALM_MS ? calm + 1 : 0;
  }
}

export const REAL_IO: KneeIo = {
  withTarget,
  warmUp: async (origin, timeoutMs, signal) => { await warmUp({ origin, seconds: WARMUP_SECONDS, timeoutMs, signal }); },
  holdRate,
  settle,
  probe: async (origin, seconds, signal) => (await blast(origin, CAPACITY_DEFAULTS.connections, seconds, signal)).rps,
  now: () => Date.now(),
};

/** A recorder row as the steady-state rule reads it: arrivals offered, answered, failed or dropped. */
export const loadSecond = (r: IntervalRow): LoadSecond => ({ offered: r.users, served: r.rps, failed: r.errorsTotal + r.dropped, p95: r.p95 });

/**
 * Failures stop a step early only while they go on: an overload keeps dropping at the in-flight
 * cap every second, while a fast step's cold start (its connections opening, before preconnectedPool
 * opened them ahead of its clock) could spill into the second judged first at 5 s and be over (fastify-hello, 20,121 req/s, 2026-11-29: p95 184 and
 * 160 ms, 5,008 dropped, then 6, 6 and 2 ms). Held on, the step is judged without it.
 */
const stillFailing = (r: IntervalRow) => { const s = loadSecond(r); return s.failed > STEADY_RULE.maxFailShare * s.offered; };

/**
 * When a step may end: broken at two checks in a row (one second's hiccup on a shared machine
 * is not a verdict) once it has a few seconds; steady at its planned length. Near capacity
 * (`toCap`, see holdToCap) a step is judged on its whole cap: it ends early only on what is
 * unambiguous at any length — p95 past the SLO or failures — since a queue near capacity
 * wanders up and back for longer than the planned length.
 */
export function stepDone(rows: readonly IntervalRow[], plan: StepPlan, sloMs: number, toCap = false): boolean {
  const n = rows.length;
  if (n < 2) return false;
  const judge = (k: number) => judgeSteady(rows.slice(0, k).map(loadSecond), { sloMs });
  const now = judge(n);
  const clear = (e: SteadyEvidence) => e.state === 'broken' && (!toCap || e.decidedBy === 'slo' || e.decidedBy === 'failures');
  if (n >= EARLY_BREAK_AFTER_S && clear(now) && clear(judge(n - 1)) && (now.decidedBy !== 'failures' || stillFailing(rows[n - 1]!))) return true;
  return !toCap && n === plan.seconds && now.state === 'steady';
}

interface Search { o: KneeOptions; io: KneeIo; sloMs: number; plan: StepPlan; policy: KneePolicy; name: string }

/** Hold one rate and judge it: held only when the steady-state rule finds it steady. */
async function runStep(s: Search, started: Started, rate: number, toCap: boolean): Promise<KneeStep> {
  const origin = started.url;
  const { rows, p95, dropped, load, scheduled } = await s.io.holdRate({
    origin, pid: started.pid, rate, seconds: s.plan.capSeconds, timeoutMs: stepTimeoutMs(s.sloMs), seed: s.o.seed, signal: s.o.signal,
    stop: (seen) => stepDone(seen, s.plan, s.sloMs, toCap),
  });
  const evidence = judgeSteady(rows.map(loadSecond), { sloMs: s.sloMs });
  const served = rows.reduce((n, r) => n + r.rps, 0);
  return {
    rate, p95, achievedRps: Math.round((served / Math.max(1, rows.length)) * 10) / 10, dropped,
    errors: rows.reduce((n, r) => n + r.errorsTotal, 0), ok: evidence.state === 'steady',
    seconds: rows.length, p95PerSecond: rows.map((r) => r.p95), evidence,
    ...(load ? { load } : {}),
    ...(load && evidence.state !== 'steady' ? { limit: stepLimit(load, scheduled ?? rows.reduce((n, r) => n + r.users, 0)) } : {}),
  };
}

const stepLine = (name: string, st: KneeStep) =>
  `  ${name}: ${st.rate} req/s for ${st.seconds} s → p95 ${formatMs(st.p95)}, served ${st.achievedRps} req/s: ${st.ok ? 'held' : st.evidence?.state === 'unsettled' ? 'not held, unsettled at its cap' : 'broke'} (${st.evidence?.reason})${st.limit ? `; ${limitWords(st.limit)} — ${st.limit.reason}` : ''}`;

/** The worst a step can take: its cap, the last request's timeout, and the settling after it. */
const worstStepMs = (s: Search) => (s.plan.capSeconds * 1000) + stepTimeoutMs(s.sloMs) + SETTLE_CAP_MS;

/** Steps chosen by the policy until it is done, the time cap is near, the target died or Ctrl-C. */
async function search(s: Search, started: Started): Promise<{ steps: KneeStep[]; stoppedBy: KneeRow['stoppedBy']; probeRps?: number | null }> {
  const t0 = s.io.now();
  const steps: KneeStep[] = [];
  let died = false;
  void started.exited.then(() => { died = true; });
  await s.io.warmUp(started.url, stepTimeoutMs(s.sloMs), s.o.signal);
  let policy = s.policy;
  let probeRps: number | null | undefined;
  if (s.o.probeSeconds !== undefined && !s.o.signal.aborted) {
    probeRps = await s.io.probe(started.url, s.o.probeSeconds, s.o.signal);
    policy = probedPolicy(probeRps, s.policy, MAX_RATE);
    s.o.log?.(`  ${s.name}: probe ${probeRps ?? 'nothing answered'} req/s (closed loop, ${CAPACITY_DEFAULTS.connections} connections, ${s.o.probeSeconds} s) → search from ${policy.startRps} up to ${policy.maxRps} req/s${searchTop(policy) > policy.maxRps ? `, on to ${searchTop(policy)} while every step holds` : ''}`);
    await s.io.settle(started.url, s.o.signal);
  }
  const done = (stoppedBy: KneeRow['stoppedBy']) => (probeRps === undefined ? { steps, stoppedBy } : { steps, stoppedBy, probeRps });
  for (;;) {
    const decision = nextKneeRate(steps, policy);
    if ('done' in decision) return done(decision.done);
    if (s.o.signal.aborted) return done('interrupted');
    if (died) return done('failed');
    if (s.io.now() - t0 + worstStepMs(s) > (s.o.targetCapSeconds ?? TARGET_CAP_S) * 1000) return done('time-cap');
    const step = await runStep(s, started, decision.next, holdToCap(steps, decision.next, policy));
    if (s.o.signal.aborted) return done('interrupted');
    steps.push(step);
    s.o.log?.(stepLine(s.name, step));
    await s.io.settle(started.url, s.o.signal);
  }
}

/** One target's row: its search, or why there was none. */
async function kneeOfTarget(o: KneeOptions, io: KneeIo, t: FoundTarget, base: Omit<KneeRow, 'maxSustainableRps' | 'lowestBrokenRps' | 'stoppedBy' | 'steps' | 'state' | 'error'>, policy: KneePolicy): Promise<KneeRow> {
  const plan = { seconds: base.stepSeconds, capSeconds: base.stepCapSeconds ?? 2 * base.stepSeconds };
  try {
    const s: Search = { o, io, sloMs: base.sloMs, plan, policy, name: base.name };
    const { steps, stoppedBy, probeRps } = await io.withTarget(o, t, (started) => search(s, started));
    const state = stoppedBy === 'interrupted' ? 'interrupted' : stoppedBy === 'failed' ? 'failed' : 'ok';
    const error = state === 'failed' ? 'target died during the search' : state === 'interrupted' ? 'interrupted' : null;
    const { lo, hi } = kneeBracket(steps);
    const brokenBy = steps.find((st) => !st.ok && st.rate === hi)?.limit;
    if (brokenBy && hi !== null) o.log?.(`  ${base.name}: ≥ ${hi} req/s ${limitWords(brokenBy)}`);
    const found = kneeFound(steps);
    if (found === 'lower-bound') o.log?.(`  ${base.name}: no step broke (${stoppedBy}): ≥ ${lo} req/s is a lower bound, not the knee`);
    return { ...base, ...(probeRps === undefined ? {} : { probeRps }), maxSustainableRps: lo, lowestBrokenRps: hi, found, ...(brokenBy ? { brokenBy } : {}), stoppedBy, steps, state, error };
  } catch (err) {
    const state = notMeasured(err, o.signal);
    return { ...base, maxSustainableRps: null, lowestBrokenRps: null, found: 'none', stoppedBy: state, steps: [], state, error: errorText(err) };
  }
}

/**
 * Per target: the knee of the open-model arrival rate, as a bracket. Each step holds one rate
 * until the steady-state rule calls it steady or broken, near capacity to its cap (see
 * stepDone, holdToCap); the policy doubles,
 * then bisects (nextKneeRate). The knee lies between the highest steady rate and the lowest
 * rate that was not.
 */
export async function runKnee(o: KneeOptions, io: KneeIo = REAL_IO): Promise<KneeRow[]> {
  const sloMs = o.sloMs ?? KNEE_DEFAULTS.sloMs;
  const policy = o.policy ?? KNEE_POLICY;
  const plan = stepPlan(sloMs, policy, o.stepSeconds);
  const rows: KneeRow[] = [];
  for (const t of o.targets) {
    if (o.signal.aborted) break;
    const info = targetInfo(t, o.size);
    const base = {
      name: info.name, concurrency: info.concurrency, work: o.work, sloMs, stepSeconds: plan.seconds, stepCapSeconds: plan.capSeconds,
      theoreticalRps: theoreticalRps(info.concurrency, o.work),
    };
    o.log?.(`knee: ${info.name} (concurrency ${info.concurrency}), p95 SLO ${sloMs} ms, steps of ${plan.seconds} s (up to ${plan.capSeconds} s while unsettled)`);
    rows.push(await kneeOfTarget(o, io, t, base, policy));
    await writeJsonAtomic(path.join(o.runDir, 'knee.json'), rows);
  }
  await writeJsonAtomic(path.join(o.runDir, 'knee.json'), rows);
  return rows;
}
