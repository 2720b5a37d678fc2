import type { KneeFound, KneeRow, KneeStepLimit, KneeStepLoad } from '../results/format.ts';

/** Bounds of the knee search; every field caps how long it can run. */
export interface KneePolicy {
  /** First rate tried (req/s). @default 5 */
  startRps: number;
  /** Below this, halving after a failed first step gives up. @default 1 */
  minRps: number;
  /** Doubling goes up to this; past it only while every step held (`extensions`). @default 2000 */
  maxRps: number;
  /**
   * While every step held, doubling may go on past `maxRps` for this many more steps, never past
   * `ceilingRps`: a range set from a probe that read low must not end the search at its top, where
   * the "knee" would only be the range's end. @default 0 (probedPolicy: PROBE_EXTENSIONS)
   */
  extensions?: number;
  /** The most any step may ask for (MAX_RATE, what an open profile may schedule). @default maxRps */
  ceilingRps?: number;
  /** Hard cap on steps per target. @default 12 */
  maxSteps: number;
  /** Bisection steps after the knee is first bracketed. @default 4 */
  bisections: number;
  /** Stop bisecting once the bracket is this narrow: hi ≤ lo × (1 + resolution). @default 0.05 */
  resolution: number;
  /** Overload share a step must be long enough to expose (see stepPlan). @default 0.07 */
  overshoot: number;
  /** Bounds on the derived step length (s). @default 6, 20 */
  minStepSeconds: number;
  maxStepSeconds: number;
  /**
   * A step within this share below the lowest rate that broke is near capacity, where an
   * overload of 1–3% is all there is to see: it must stay steady to its cap to hold. @default 0.15
   */
  nearShare: number;
}

export const KNEE_POLICY: KneePolicy = { startRps: 5, minRps: 1, maxRps: 2000, maxSteps: 12, bisections: 4, resolution: 0.05, overshoot: 0.07, minStepSeconds: 6, maxStepSeconds: 20, nearShare: 0.15 };

/** Where a probed search starts and stops, as shares of the probe's measured max req/s. */
export const PROBE_SHARES = { start: 0.25, max: 2 } as const;

/**
 * Doublings past 2× the probe while every step holds: up to 16× it. On this 2-core machine one
 * target's probe read 17,748 to 55,393 req/s (2026-11-29), so 2× a low reading can sit below
 * the knee. Four steps reach 2×, three more 16×, four bisections: 11, within maxSteps (12).
 */
export const PROBE_EXTENSIONS = 3;

/**
 * The policy re-aimed at a target whose closed-loop capacity was measured (`probeRps`, e.g.
 * autocannon at full speed): start at a quarter of it, so two doublings reach it and a third
 * passes it, and let doubling go to twice it, where an open model must break. Both only ever
 * widen the default bounds (a slow target keeps them), so the bracket fits in `maxSteps`.
 * A probe can read low (a noisy machine), so while every step holds the search doubles on past
 * twice it, PROBE_EXTENSIONS times at most. No step goes past `ceilingRps`, the most an open
 * profile may schedule (MAX_RATE): a target that holds it ends the search at 'max-rate' instead
 * of failing on a step it cannot ask for. A missing or non-positive probe leaves the policy as it is.
 */
export function probedPolicy(probeRps: number | null, p: KneePolicy = KNEE_POLICY, ceilingRps = Infinity): KneePolicy {
  if (probeRps === null || !Number.isFinite(probeRps) || probeRps <= 0) return p;
  const within = (rps: number) => Math.min(ceilingRps, rps);
  return {
    ...p, startRps: within(Math.max(p.startRps, round1(probeRps * PROBE_SHARES.start))), maxRps: within(Math.max(p.maxRps, round1(probeRps * PROBE_SHARES.max))),
    extensions: PROBE_EXTENSIONS, ceilingRps,
  };
}

/** The highest rate the policy can ask for: `maxRps`, or past it while every step holds. */
export function searchTop(p: KneePolicy): number {
  const ceiling = Math.max(p.maxRps, p.ceilingRps ?? p.maxRps);
  return Math.min(ceiling, p.maxRps * 2 ** (p.extensions ?? 0));
}

export interface KneeTry { rate: number; ok: boolean }

export type KneeDecision = { next: number } | { done: KneeRow['stoppedBy'] };

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Lowest rate that did not hold, and the highest that held below it (noise can make a higher rate pass). */
export function kneeBracket(history: readonly KneeTry[]): { lo: number | null; hi: number | null } {
  const fails = history.filter((h) => !h.ok).map((h) => h.rate);
  const hi = fails.length ? Math.min(...fails) : null;
  const held = history.filter((h) => h.ok && (hi === null || h.rate < hi)).map((h) => h.rate);
  return { lo: held.length ? Math.max(...held) : null, hi };
}

/** The answer: the highest rate that held below the lowest that broke; null if none held. */
export const maxSustainable = (history: readonly KneeTry[]): number | null => kneeBracket(history).lo;

/**
 * What the answer is: 'knee' when a higher rate broke (the knee lies in the bracket);
 * 'lower-bound' when no step broke, whatever ended the search (its top, the step or time cap):
 * the target held every rate tried, its knee is above and unmeasured; 'none' when no rate held.
 */
export function kneeFound(history: readonly KneeTry[]): KneeFound {
  const { lo, hi } = kneeBracket(history);
  return lo === null ? 'none' : hi === null ? 'lower-bound' : 'knee';
}

/** A knee.json row's KneeFound; a row written before the field had it derives it from its steps. */
export const rowFound = (r: Pick<KneeRow, 'found' | 'steps'>): KneeFound => r.found ?? kneeFound(r.steps);

/**
 * Next rate, given every step so far: double from `startRps` until a step breaks (past
 * `maxRps` only while every step held, `extensions` times at most, never past `ceilingRps`), halve
 * if the very first one broke, then bisect between the best rate that held and the lowest
 * that broke, for at most `bisections` steps or until the bracket is within `resolution`.
 */
export function nextKneeRate(history: readonly KneeTry[], p: KneePolicy = KNEE_POLICY): KneeDecision {
  if (history.length === 0) return { next: p.startRps };
  if (history.length >= p.maxSteps) return { done: 'max-steps' };
  const { lo, hi } = kneeBracket(history);
  if (hi === null) {
    if (lo! < p.maxRps) return { next: Math.min(round1(lo! * 2), p.maxRps) };
    // Every step held up to maxRps: that is no knee. Double on, within the extensions and the ceiling.
    const extended = history.filter((h) => h.rate > p.maxRps).length;
    const ceiling = p.ceilingRps ?? p.maxRps;
    if (extended >= (p.extensions ?? 0) || lo! >= ceiling) return { done: 'max-rate' };
    return { next: Math.min(round1(lo! * 2), ceiling) };
  }
  if (lo === null) {
    const next = round1(hi / 2);
    return next < p.minRps ? { done: 'min-rate' } : { next };
  }
  const bracketedAt = history.findIndex((_, i) => {
    const b = kneeBracket(history.slice(0, i + 1));
    return b.lo !== null && b.hi !== null;
  });
  const bisected = history.length - 1 - bracketedAt;
  if (bisected >= p.bisections || hi <= lo * (1 + p.resolution)) return { done: 'bracketed' };
  const next = round1((lo + hi) / 2);
  return next <= lo || next >= hi ? { done: 'bracketed' } : { next };
}

/** How long a step holds its rate: judged at `seconds`, held on to `capSeconds` while unsettled. */
export interface StepPlan { seconds: number; capSeconds: number }

/**
 * Step length from the SLO. A rate a share ε above capacity grows the queue by ε × rate
 * requests a second, each adding 1/rate s of wait: ε seconds of delay per second held,
 * whatever the server's concurrency. Held SLO ÷ `overshoot` seconds (500 ms ÷ 7% ≈ 8 s), a
 * rate `overshoot` above capacity passes the SLO by queueing alone; the steady-state rule sees
 * the backlog and the trend of smaller overloads well before.
 * `seconds` (e.g. --knee-step-seconds) overrides the derived length; the cap is twice it.
 */
export function stepPlan(sloMs: number, p: KneePolicy = KNEE_POLICY, seconds?: number): StepPlan {
  const derived = Math.ceil(sloMs / 1000 / p.overshoot);
  const s = seconds ?? Math.min(p.maxStepSeconds, Math.max(p.minStepSeconds, derived));
  return { seconds: s, capSeconds: 2 * s };
}

/**
 * How much a knee step may have in flight, in seconds of its arrivals. The open driver drops an
 * arrival that finds the cap full for MAX_WAIT_MS and the rule counts it as failed (over 1 % breaks a step), so a
 * cap a machine stall fills calls noise a failure: with 256 (12 ms of arrivals at 21,000 req/s)
 * and then 50 ms of arrivals, fastify-hello steps at 17,600–22,400 req/s on this shared 2-core
 * machine broke on 1.2–1.5 % drops after one stall of 50–70 ms (that second's p95 45–70 ms, the
 * others steady). Unbounded is no better: with one SLO of arrivals (12,000 at 24,000 req/s) a
 * stall's backlog opened thousands of connections at once, the generator lagged 150–680 ms and
 * a rate that had been steady for 3 s collapsed (2026-11-29). 100 ms holds the stalls measured
 * with room to spare and keeps the client population a real one's size (measured while the wait
 * was 20 ms). Under the 100-ms wait a server stall drops nothing until it outlasts cap + wait:
 * at 20,000 req/s, none up to 180 ms with 100 ms (50 ms dropped 1.2 % at 180 ms; 200 ms none at
 * 250 ms but twice the connections per step), and no cap found a better knee (docs/knee.md). @default 0.1
 */
export const STEP_IN_FLIGHT_S = 0.1;
/** An open profile's default cap, kept as the floor for slow rates. */
const DEFAULT_IN_FLIGHT = 256;

/**
 * The in-flight cap of a step at `rate`: STEP_IN_FLIGHT_S of its arrivals, at least 256 and at
 * most `budget` (the connections the open-file limit leaves; each in-flight request holds one).
 */
export function stepInFlight(rate: number, budget = Infinity): number {
  return Math.max(1, Math.floor(Math.min(budget, Math.max(DEFAULT_IN_FLIGHT, Math.ceil(rate * STEP_IN_FLIGHT_S)))));
}

/**
 * Must a step at `rate` be held to its cap? Yes once it is near the lowest rate that broke:
 * there a queue grows by a few percent of the rate, and only a longer look tells it from noise.
 */
export function holdToCap(history: readonly KneeTry[], rate: number, p: KneePolicy = KNEE_POLICY): boolean {
  const { hi } = kneeBracket(history);
  return hi !== null && rate >= hi * (1 - p.nearShare);
}

/**
 * When a step's load says which side limited it. A Node generator at ≥ 90 % of a core or with its
 * event loop ≥ 90 % busy has no slack left to send and read on time (the same limit as
 * analysis/generator-limit.ts); 1 % of the arrivals dropped because the generator reached them
 * late is its own lag, not the server's answer (unless the machine was full: then it was kept from
 * the CPU, and the machine is the limit). A server is at its limit at ≥ 90 % of the cores
 * it can use (one per process). The machine's cores ≥ 90 % busy (generator, server, the kernel's
 * loopback work and anything else running) with neither side at its own limit: the machine was full.
 */
export const LIMIT_SHARES = { genBusy: 0.9, lateDrops: 0.01, serverBusy: 0.9, machineBusy: 0.9, genSlack: 0.5 } as const;

const pct0 = (x: number) => `${Math.round(x)}%`;

/**
 * Which side limited a step that did not hold (pure): the generator (saturated, or dropping
 * arrivals it reached late), the server (its processes at their cores), the machine (its cores
 * full with neither side at its own limit: the knee is the shared machine's, not the server's), the server
 * again when the generator had clear slack (e.g. a server limited by its concurrency, not its
 * CPU), or unclear. `scheduled`: the step's arrivals. The reason carries the numbers.
 */
export function stepLimit(load: KneeStepLoad, scheduled: number): KneeStepLimit {
  const s = LIMIT_SHARES;
  const gen = load.genCpuPct;
  const elu = load.genElu;
  const srv = load.serverCpuPct;
  const genText = `generator CPU ${gen === null ? '–' : pct0(gen)} of a core, event loop ${elu === null ? '–' : pct0(elu * 100)} busy`;
  const srvText = `server CPU ${srv === null ? '–' : pct0(srv)}${load.serverProcesses ? ` (${load.serverProcesses} process${load.serverProcesses === 1 ? '' : 'es'})` : ''}`;
  const drops = `${load.droppedLate} arrivals dropped late by the generator, ${load.droppedAtCap} at the in-flight cap, worst launch lag ${Math.round(load.maxLagMs * 10) / 10} ms`;
  const kernel = [load.softirqPct == null ? '' : `softirq ${pct0(load.softirqPct)}`, load.stealPct == null ? '' : `steal ${pct0(load.stealPct)}`].filter(Boolean).join(', ');
  const machineText = load.machineCpuPct === null ? '' : `; machine ${pct0(load.machineCpuPct)} of ${load.cores * 100}%${kernel ? ` (${kernel})` : ''}`;
  const both = `${genText}; ${srvText}${machineText}; ${drops}`;
  if ((gen !== null && gen >= s.genBusy * 100) || (elu !== null && elu >= s.genBusy)) return { by: 'generator', reason: `the generator was saturated: ${both}` };
  // A generator short of its own limit that still reached arrivals late was kept from the CPU:
  // when the machine's cores were full, that is the machine's limit, not the generator's.
  const all = load.machineCpuPct;
  const machineFull = all !== null && all >= s.machineBusy * load.cores * 100;
  if (!machineFull && scheduled > 0 && load.droppedLate >= s.lateDrops * scheduled) return { by: 'generator', reason: `the generator fell behind its own schedule: ${both}` };
  const serverCores = Math.min(load.serverProcesses ?? 1, load.cores);
  if (srv !== null && srv >= s.serverBusy * serverCores * 100) return { by: 'server', reason: `the server used its ${serverCores === 1 ? 'core' : `${serverCores} cores`}: ${both}` };
  if (machineFull) {
    const others = all - (gen ?? 0) - (srv ?? 0);
    return { by: 'machine', reason: `the machine's ${load.cores} cores were ${pct0(all / load.cores)} busy (generator ${gen === null ? '–' : pct0(gen)} + server ${srv === null ? '–' : pct0(srv)} + the rest, the kernel's loopback work and other processes, ${pct0(Math.max(0, others))} of ${load.cores * 100}%), neither side alone at its limit: ${both}` };
  }
  if (gen !== null && gen < s.genSlack * 100 && (elu === null || elu < s.genSlack) && load.droppedLate === 0) return { by: 'server', reason: `the generator had slack: ${both}` };
  return { by: 'unclear', reason: both };
}

/** What a limit means for the knee: '' when it is the server's, else a clause saying it is not (or may not be). */
export function kneeOwnerWords(l: KneeStepLimit): string {
  if (l.by === 'server') return '';
  return l.by === 'unclear' ? 'the knee may not be the server\'s own' : 'the knee is not the server\'s own';
}

/** The terminal's and report's words for a limit: "the generator, not the server, was the limit". */
export function limitWords(l: KneeStepLimit): string {
  switch (l.by) {
    case 'generator': return 'the generator, not the server, was the limit';
    case 'machine': return 'the shared machine (generator and server together), not the server alone, was the limit';
    case 'server': return 'the server was the limit';
    default: return 'unclear whether the generator or the server was the limit';
  }
}
