import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { openProfileSchema, type OpenProfile } from '../../profiles/lib/define.ts';
import { SERVICE_MAX_MS } from '../../targets/lib/prng.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { theoreticalRps } from './capacity.ts';
import { driveOpen } from '../drive/open.ts';
import { warmUp } from '../drive/warmup.ts';
import { KNEE_POLICY, maxSustainable, nextKneeRate, stepHeld, type KneePolicy } from '../analysis/knee-policy.ts';
import { errorText, targetInfo, withTarget, type ModeOptions } from './with-target.ts';
import { Recorder } from '../record/recorder.ts';
import type { KneeRow, KneeStep } from '../results/format.ts';
import { stageWindows } from '../analysis/schedule.ts';
import type { StartedTarget } from '../spawn/start-target.ts';
import { formatMs } from '../analysis/verdict.ts';

export const KNEE_DEFAULTS = { sloMs: 500, stepSeconds: 5 } as const;
/** Wall-clock cap per target, whatever the policy would still try. */
const TARGET_CAP_S = 120;
const WARMUP_SECONDS = 1;
/** Between steps, wait (at most this long) until a fresh request is served promptly again. */
const SETTLE_CAP_MS = 15_000;
/** "Promptly": the slowest possible service time plus slack; two in a row mean the queue is gone. */
const CALM_MS = SERVICE_MAX_MS + 50;

export interface KneeOptions extends ModeOptions {
  /** p95 bound (ms) a rate must hold to count as sustainable. @default 500 */
  sloMs?: number;
  /** Seconds each rate is held. @default 5 */
  stepSeconds?: number;
  policy?: KneePolicy;
}

/**
 * A request slower than a few SLOs already failed the step; waiting 10 s for it would only
 * stretch the search, and the backlog it leaves is what `settle` waits out.
 */
const stepTimeoutMs = (sloMs: number) => Math.min(10_000, Math.max(2000, 4 * sloMs));

function stepProfile(rate: number, seconds: number, sloMs: number): OpenProfile {
  return openProfileSchema.parse({
    name: 'knee-step', model: 'open', stages: [{ at: 0, rate }], duration: seconds, timeoutMs: stepTimeoutMs(sloMs), warmupSeconds: 0,
  });
}

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

async function runStep(started: StartedTarget, o: KneeOptions, rate: number, seconds: number, sloMs: number): Promise<KneeStep> {
  const profile = stepProfile(rate, seconds, sloMs);
  const recorder = new Recorder({ windows: stageWindows(profile), duration: Math.ceil(seconds), expectedIntervalUs: null, latencyBasis: 'intended' });
  const drive = await driveOpen({ origin: started.url, profile, recorder, signal: o.signal, seed: o.seed });
  const { rows, stages } = recorder.finish();
  const stage = stages[0]!;
  // Responses that came in after the step are booked in its last second; leave that second out of the rate served.
  const inTime = rows.length > 1 ? rows.slice(0, -1) : rows;
  const achievedRps = Math.round((inTime.reduce((n, r) => n + r.rps, 0) / Math.max(1, inTime.length)) * 10) / 10;
  const measured = { rate, seconds, p95: stage.p95, achievedRps, dropped: drive.dropped, errors: stage.errorsTotal, requests: stage.requests };
  return { rate, p95: stage.p95, achievedRps, dropped: drive.dropped, errors: stage.errorsTotal, ok: stepHeld(measured, sloMs) };
}

async function searchOne(started: StartedTarget, o: KneeOptions, sloMs: number, seconds: number, policy: KneePolicy, name: string) {
  const t0 = Date.now();
  const steps: KneeStep[] = [];
  let died = false;
  void started.exited.then(() => { died = true; });
  await warmUp({ origin: started.url, seconds: WARMUP_SECONDS, timeoutMs: stepTimeoutMs(sloMs), signal: o.signal });
  for (;;) {
    const decision = nextKneeRate(steps, policy);
    if ('done' in decision) return { steps, stoppedBy: decision.done };
    if (o.signal.aborted) return { steps, stoppedBy: 'interrupted' as const };
    if (died) return { steps, stoppedBy: 'failed' as const };
    const worstStepMs = (seconds * 1000) + stepTimeoutMs(sloMs) + SETTLE_CAP_MS;
    if (Date.now() - t0 + worstStepMs > TARGET_CAP_S * 1000) return { steps, stoppedBy: 'time-cap' as const };
    const step = await runStep(started, o, decision.next, seconds, sloMs);
    if (o.signal.aborted) return { steps, stoppedBy: 'interrupted' as const };
    steps.push(step);
    o.log?.(`  ${name}: ${step.rate} req/s → p95 ${formatMs(step.p95)}, served ${step.achievedRps} req/s, ${step.errors} errors, ${step.dropped} dropped: ${step.ok ? 'held' : 'broke'}`);
    await settle(started.url, o.signal);
  }
}

/** Per target: the highest open-model arrival rate whose p95 stays within the SLO (see nextKneeRate). */
export async function runKnee(o: KneeOptions): Promise<KneeRow[]> {
  const sloMs = o.sloMs ?? KNEE_DEFAULTS.sloMs;
  const seconds = o.stepSeconds ?? KNEE_DEFAULTS.stepSeconds;
  const policy = o.policy ?? KNEE_POLICY;
  const rows: KneeRow[] = [];
  for (const t of o.targets) {
    if (o.signal.aborted) break;
    const info = targetInfo(t, o.size);
    const base = { name: info.name, concurrency: info.concurrency, work: o.work, sloMs, stepSeconds: seconds };
    const theory = theoreticalRps(info.concurrency, o.work);
    o.log?.(`knee: ${info.name} (concurrency ${info.concurrency}), p95 SLO ${sloMs} ms, ${seconds}-s steps`);
    try {
      const { steps, stoppedBy } = await withTarget(o, t, (started) => searchOne(started, o, sloMs, seconds, policy, info.name));
      const state = stoppedBy === 'interrupted' ? 'interrupted' : stoppedBy === 'failed' ? 'failed' : 'ok';
      const error = state === 'failed' ? 'target died during the search' : state === 'interrupted' ? 'interrupted' : null;
      rows.push({ ...base, maxSustainableRps: maxSustainable(steps), stoppedBy, theoreticalRps: theory, steps, state, error });
    } catch (err) {
      const state = o.signal.aborted ? 'interrupted' : 'failed';
      rows.push({ ...base, maxSustainableRps: null, stoppedBy: state, theoreticalRps: theory, steps: [], state, error: errorText(err) });
    }
    await writeJsonAtomic(path.join(o.runDir, 'knee.json'), rows);
  }
  await writeJsonAtomic(path.join(o.runDir, 'knee.json'), rows);
  return rows;
}
