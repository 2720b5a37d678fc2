import type { StageStats } from '../harness/results/format.ts';
import { capacityApplies, peakOfferedLoad, theoreticalRps, type PeakLoad } from '../harness/analysis/capacity-theory.ts';
import type { ServiceTimeInfo } from '../harness/results/format.ts';
import { degradation } from './degradation.ts';
import { orderWhys as whysOfOrder, unfairnessSentence } from './fairness.ts';
import { fmtMs, fmtNum, fmtPct, fmtRps } from './format.ts';
import type { RunData, TargetRun } from '../harness/results/run-data.ts';
import { capacitySentence, capacityTitle, kneeSentence, kneeTitle, spreadSentence } from './modes.ts';

/** 'skipped': not run because something it requires is not installed (not a failure). */
export type Status = 'held' | 'degraded' | 'failed' | 'skipped';

export interface TargetFinding {
  name: string;
  /** 'info': a capacity or knee measurement, neither held nor degraded. */
  status: Status | 'info';
  /** Badge text when it is not the status (e.g. "capacity", "knee"). */
  label?: string;
  /** 'summary' when summary.json said so; 'report' when the report had to work it out. */
  source: 'summary' | 'report';
  sentence: string;
}

export interface CapacityLine {
  name: string;
  concurrency: number;
  capacity: number;
  /** capacity ÷ peak offered load; < 1 means it had to queue. */
  ratio: number | null;
}

export interface Headline {
  /** One line: how many held, degraded, failed; for capacity / knee runs, the finding with its numbers. */
  title: string;
  /** Further title lines (a capacity + knee run states both). */
  subtitles: string[];
  /** With --repeat: what the numbers are (medians of N repeats) and how far the repeats disagreed. */
  repeats: string | null;
  targets: TargetFinding[];
  /** The reason, in plain words, for this run's work model. */
  why: string[];
  capacity: CapacityLine[];
  peak: PeakLoad | null;
}

const stageName = (s: StageStats, unit: string) => `stage ${s.index + 1} (${fmtNum(s.users)} ${unit})`;

export function statusOf(t: TargetRun): { status: Status; source: TargetFinding['source'] } {
  if (t.summary) return { status: t.summary.status, source: 'summary' };
  if (t.entry.state === 'failed' || t.entry.state === 'skipped') return { status: t.entry.state, source: 'report' };
  return { status: degradation(t.stages, t.summary).from || t.stages.length === 0 ? 'degraded' : 'held', source: 'report' };
}

function sentence(t: TargetRun, status: Status, unit: string): string {
  const name = t.entry.name;
  if (status === 'skipped') return `${name} was not run: ${t.entry.error ?? 'a requirement is missing'}.`;
  if (status === 'failed') {
    const f = t.failures;
    const died = f?.diedAt !== null && f?.diedAt !== undefined ? ` The process died ${fmtNum(f.diedAt)} s into the profile${f.exitCode !== null ? ` (exit code ${f.exitCode})` : ''}.` : '';
    return `${name} failed: ${t.entry.error ?? f?.error ?? t.summary?.verdict ?? 'no error message was recorded'}.${died}`;
  }
  const d = degradation(t.stages, t.summary);
  const measured = t.stages.filter((s) => s.p95 !== null);
  const maxErr = Math.max(0, ...t.stages.map((s) => s.errorPct));
  const errText = maxErr > 0 ? `errors peaked at ${fmtPct(maxErr)} of requests` : 'no errors';
  if (status === 'held') {
    const p95s = measured.map((s) => s.p95 ?? 0);
    const peak = Math.max(0, ...t.stages.map((s) => s.rps));
    return `${name} held: p95 stayed between ${fmtMs(Math.min(...p95s))} and ${fmtMs(Math.max(...p95s))} through all ${t.stages.length} stages, up to ${fmtRps(peak)}, ${errText}.`;
  }
  if (!d.from || !d.baseline) return `${name} degraded: ${t.summary?.verdict ?? 'see the stage table'}.`;
  const parts = [`${name} degraded from ${stageName(d.from, unit)}`];
  const worst = d.worst;
  if (worst && d.baseline.p95 !== null && worst.p95 !== null && worst.index !== d.baseline.index) {
    parts.push(`: p95 rose from ${fmtMs(d.baseline.p95)} in stage ${d.baseline.index + 1} to ${fmtMs(worst.p95)} in stage ${worst.index + 1} (×${fmtNum(worst.p95 / d.baseline.p95)})`);
  }
  const flat = t.stages.filter((s) => s.index >= d.from!.index).map((s) => s.rps);
  if (flat.length > 1) parts.push(`; throughput from then on: ${flat.map(fmtNum).join(' → ')} req/s`);
  const dead = t.stages.find((s) => s.p95 === null && s.requests > 0);
  if (dead) parts.push(`; no successful responses in stage ${dead.index + 1}`);
  parts.push(`; ${errText}.`);
  return parts.join('');
}

/** "uniform 10–100 ms", from the run's manifest (never from live code). */
export const distributionText = (st: ServiceTimeInfo): string => `${st.distribution} ${fmtNum(st.minMs)}–${fmtNum(st.maxMs)} ms`;

function why(run: RunData, peak: PeakLoad | null): string[] {
  const work = run.theory.work;
  const mean = run.theory.meanServiceMs;
  const one = theoreticalRps({ ...run.theory, concurrency: 1 });
  const dist = run.serviceTime ? `, ${distributionText(run.serviceTime)}` : '';
  const peakText = peak
    ? `The peak offered load in this run was ${fmtRps(peak.rps)} (${peak.source === 'measured' ? `highest stage throughput measured, ${peak.target} in stage ${peak.stage + 1}` : `scheduled arrival rate of stage ${peak.stage + 1}`}).`
    : 'No stage was measured, so the peak offered load is unknown.';
  if (mean === null) {
    return [`The lab did not start ${run.targets.length === 1 ? 'this server' : 'these servers'}, so it does not know ${run.targets.length === 1 ? 'its' : 'their'} service time or how many requests ${run.targets.length === 1 ? 'it' : 'they'} can work on at once: no capacity can be reasoned out here. ${peakText}`];
  }
  if (capacityApplies(work)) {
    const lines = [
      `Each request keeps its worker busy for its whole service time, ${fmtNum(mean)} ms on average (work model "${work}"${dist}). `
      + `So capacity ≈ concurrency ÷ mean service time: a server that can work on one request at a time saturates near 1 ÷ ${fmtNum(mean / 1000)} s ≈ ${fmtRps(one)}. ${peakText}`,
      'What fixes it is how many requests can be worked on at once (processes, threads, workers), not the framework\'s name: '
      + `a faster framework does not make ${work === 'cpu' ? 'computation' : 'blocking work'} finish sooner.`,
    ];
    if (work === 'cpu') lines.push(`With cpu work each request spins until its service time has passed on the clock, so more busy workers than this machine's ${fmtNum(run.theory.cores)} cores share the cores and still finish on time: the cores cap the CPU left for the load generator, not the capacity. Check the generator's CPU below.`);
    return lines;
  }
  if (work === 'sleep') {
    return [
      `With work model "sleep" each request awaits a timer (${fmtNum(mean)} ms on average${dist}), and an async server overlaps those waits: even a single process can have many requests in flight. `
      + `So the one-at-a-time limit (1 ÷ ${fmtNum(mean / 1000)} s ≈ ${fmtRps(1000 / mean)}) does not apply, and a server's declared concurrency is not its capacity. ${peakText}`,
      'Differences here come from per-request overhead on the event loop, not from how many requests can wait at once.',
    ];
  }
  return [`Work model "${work}" is not one the report knows how to reason about. ${peakText}`];
}

/** The targets the headline speaks of: with --repeat, one per target (its median stages), not one per repeat. */
export const findingTargets = (run: RunData): TargetRun[] =>
  run.groups.length ? [...run.groups.map((g) => g.median), ...run.targets.filter((t) => t.repeat === null)] : run.targets;

/** Per target whose responses came out of send order: how much, how long they waited, and why (reports/fairness.ts). */
function orderWhys(run: RunData, findings: readonly TargetRun[]): string[] {
  const all = findings.map((t) => ({ name: t.entry.name, stages: t.stages, runtime: t.entry.runtime, concurrency: t.entry.concurrency }));
  return whysOfOrder(all, run.manifest.connection ?? 'keep-alive');
}

function generatorWarnings(run: RunData): string[] {
  return run.targets.flatMap((t) => {
    const g = t.entry.generator;
    return g?.saturated ? [`The load generator was saturated while driving ${t.entry.name}${g.reason ? ` (${g.reason})` : ''}: its latencies include time queued in the generator and overstate the server's.`] : [];
  });
}

function modesWhy(run: RunData): string[] {
  const work = run.theory.work;
  const mean = run.theory.meanServiceMs;
  const one = theoreticalRps({ ...run.theory, concurrency: 1 });
  const lines: string[] = [];
  if (run.capacity) {
    lines.push('Capacity: a fixed number of connections, each sending its next request as soon as the previous one is answered, with no rate limit: '
      + 'the throughput reached is the most the server can finish, and the latency at that load is mostly queueing.');
  }
  if (run.knee) {
    const steady = run.knee.some((r) => r.steps.some((st) => st.evidence));
    lines.push(steady
      ? 'Knee: open-model arrivals at a fixed rate per step, doubling until a step does not hold and then bisecting. '
        + 'A step holds only in a steady state: its backlog (offered − served, summed) does not grow, its p95 does not trend upward, it serves what is offered to within the noise, p95 stays within the SLO and errors and drops stay at or under 1%. '
        + 'A step is held until steady or clearly broken, up to a cap; the knee lies between the highest steady rate and the lowest that was not.'
      : 'Knee: open-model arrivals at a fixed rate, held for a few seconds per step, doubling until a step breaks and then bisecting. '
        + 'A step holds when p95 stays within the SLO, errors and drops stay at or under 1% and at least 90% of the rate is served.');
  }
  const dist = run.serviceTime ? `, ${distributionText(run.serviceTime)}` : '';
  lines.push(one !== null && mean !== null
    ? `"Theoretical" is concurrency ÷ mean service time (${fmtNum(mean)} ms${dist}, work "${work}"): a worker that ${work === 'cpu' ? 'computes' : 'blocks'} for each request finishes about ${fmtRps(one)} per unit of concurrency. Near 100% means the server is limited by how many requests it can work on at once, not by overhead.`
    : mean === null
      ? 'The mean service time of these targets is not recorded, so no theoretical bound is shown.'
      : `With work "${work}" the theoretical bound (concurrency ÷ mean service time) does not apply, so none is shown.`);
  return lines;
}

function modesHeadline(run: RunData): Headline {
  const titles = [run.capacity?.length ? capacityTitle(run.capacity) : '', run.knee?.length ? kneeTitle(run.knee) : ''].filter(Boolean);
  const targets: TargetFinding[] = [
    ...(run.capacity ?? []).map((r) => ({ name: r.name, status: r.state === 'failed' ? 'failed' as const : 'info' as const, label: r.state === 'failed' ? 'failed' : 'capacity', source: 'summary' as const, sentence: capacitySentence(r) })),
    ...(run.knee ?? []).map((r) => ({ name: r.name, status: r.state === 'failed' ? 'failed' as const : 'info' as const, label: r.state === 'failed' ? 'failed' : 'knee', source: 'summary' as const, sentence: kneeSentence(r) })),
  ];
  return {
    title: titles[0] ?? 'No capacity or knee rows were recorded', subtitles: titles.slice(1), repeats: null,
    targets, why: [...generatorWarnings(run), ...modesWhy(run)], capacity: [], peak: null,
  };
}

/** The page's first box: per target, held or degraded and from where, then why. */
export function buildHeadline(run: RunData): Headline {
  if (run.kind === 'modes') return modesHeadline(run);
  const unit = run.profile.model === 'open' ? 'req/s arrival rate' : 'users';
  const findings = findingTargets(run);
  const peers = findings.map((t) => ({ name: t.entry.name, stages: t.stages }));
  const targets = findings.map((t) => {
    const { status, source } = statusOf(t);
    const unfair = status === 'held' || status === 'degraded' ? unfairnessSentence({ name: t.entry.name, stages: t.stages }, peers) : null;
    return { name: t.entry.name, status, source, sentence: unfair ? `${sentence(t, status, unit)} ${unfair}` : sentence(t, status, unit) };
  });
  const count = (s: Status) => targets.filter((t) => t.status === s).length;
  const title = [
    `${count('held')} of ${targets.length} held`,
    count('degraded') ? `${count('degraded')} degraded` : '',
    count('failed') ? `${count('failed')} failed` : '',
    count('skipped') ? `${count('skipped')} skipped (not installed)` : '',
  ].filter(Boolean).join(', ') + (run.spread ? ` (median of ${run.spread.repeats} repeats)` : '');
  const peak = peakOfferedLoad(run);
  const capacity = findings.flatMap((t) => {
    const cap = theoreticalRps({ ...run.theory, concurrency: t.entry.concurrency });
    if (cap === null) return [];
    return [{ name: t.entry.name, concurrency: t.entry.concurrency, capacity: cap, ratio: peak && peak.rps > 0 ? cap / peak.rps : null }];
  });
  return {
    title, subtitles: [], repeats: run.spread ? spreadSentence(run.spread) : null,
    targets, why: [...generatorWarnings(run), ...why(run, peak), ...orderWhys(run, findings)], capacity, peak,
  };
}
