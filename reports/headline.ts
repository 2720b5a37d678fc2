import type { StageStats } from '../harness/results-format.ts';
import { capacityApplies, capacityRps, effectiveConcurrency, knownConcurrency, peakOfferedLoad, type PeakLoad } from './capacity.ts';
import { degradation } from './degradation.ts';
import { fmtMs, fmtNum, fmtPct, fmtRps } from './format.ts';
import { MEAN_SERVICE_MS, type RunData, type TargetRun } from './model.ts';

export type Status = 'held' | 'degraded' | 'failed';

export interface TargetFinding {
  name: string;
  status: Status;
  /** 'summary' when summary.json said so; 'report' when the report had to work it out. */
  source: 'summary' | 'report';
  sentence: string;
}

export interface CapacityLine {
  name: string;
  concurrency: number;
  /** Requests it can actually work on at once (cpu work: capped by cores). */
  effective: number;
  capacity: number;
  /** capacity ÷ peak offered load; < 1 means it had to queue. */
  ratio: number | null;
}

export interface Headline {
  /** One line: how many held, degraded, failed. */
  title: string;
  targets: TargetFinding[];
  /** The reason, in plain words, for this run's work model. */
  why: string[];
  capacity: CapacityLine[];
  peak: PeakLoad | null;
}

const stageName = (s: StageStats, unit: string) => `stage ${s.index + 1} (${fmtNum(s.users)} ${unit})`;

export function statusOf(t: TargetRun): { status: Status; source: TargetFinding['source'] } {
  if (t.summary) return { status: t.summary.status, source: 'summary' };
  if (t.entry.state === 'failed') return { status: 'failed', source: 'report' };
  return { status: degradation(t.stages, t.summary).from || t.stages.length === 0 ? 'degraded' : 'held', source: 'report' };
}

function sentence(t: TargetRun, status: Status, unit: string): string {
  const name = t.entry.name;
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

function why(run: RunData, peak: PeakLoad | null): string[] {
  const work = run.manifest.work;
  const one = capacityRps(1);
  const peakText = peak
    ? `The peak offered load in this run was ${fmtRps(peak.rps)} (${peak.source === 'measured' ? `highest stage throughput measured, ${peak.target} in stage ${peak.stage + 1}` : `scheduled arrival rate of stage ${peak.stage + 1}`}).`
    : 'No stage was measured, so the peak offered load is unknown.';
  if (capacityApplies(work)) {
    const lines = [
      `Each request keeps its worker busy for its whole service time, ${MEAN_SERVICE_MS} ms on average (work model "${work}", uniform 10–100 ms). `
      + `So capacity ≈ concurrency ÷ mean service time: a server that can work on one request at a time saturates near 1 ÷ ${MEAN_SERVICE_MS / 1000} s ≈ ${fmtRps(one)}. ${peakText}`,
      'What fixes it is how many requests can be worked on at once (processes, threads, workers), not the framework\'s name: '
      + `a faster framework does not make ${work === 'cpu' ? 'computation' : 'blocking work'} finish sooner.`,
    ];
    if (work === 'cpu') lines.push(`With cpu work, requests compute on cores: this machine has ${run.manifest.cores}, so no more than ${run.manifest.cores} requests can be worked on at once, whatever the concurrency.`);
    return lines;
  }
  if (work === 'sleep') {
    return [
      `With work model "sleep" each request awaits a timer (${MEAN_SERVICE_MS} ms on average), and an async server overlaps those waits: even a single process can have many requests in flight. `
      + `So the one-at-a-time limit (1 ÷ ${MEAN_SERVICE_MS / 1000} s ≈ ${fmtRps(one)}) does not apply, and a server's declared concurrency is not its capacity. ${peakText}`,
      'Differences here come from per-request overhead on the event loop, not from how many requests can wait at once.',
    ];
  }
  return [`Work model "${work}" is not one the report knows how to reason about. ${peakText}`];
}

/** The page's first box: per target, held or degraded and from where, then why. */
export function buildHeadline(run: RunData): Headline {
  const unit = run.profile.model === 'open' ? 'req/s arrival rate' : 'users';
  const targets = run.targets.map((t) => {
    const { status, source } = statusOf(t);
    return { name: t.entry.name, status, source, sentence: sentence(t, status, unit) };
  });
  const count = (s: Status) => targets.filter((t) => t.status === s).length;
  const title = [
    `${count('held')} of ${targets.length} held`,
    count('degraded') ? `${count('degraded')} degraded` : '',
    count('failed') ? `${count('failed')} failed` : '',
  ].filter(Boolean).join(', ');
  const peak = peakOfferedLoad(run);
  const capacity = capacityApplies(run.manifest.work)
    ? run.targets.filter((t) => knownConcurrency(t.entry.concurrency)).map((t) => {
      const effective = effectiveConcurrency(run.manifest.work, t.entry.concurrency, run.manifest.cores);
      const cap = capacityRps(effective);
      return { name: t.entry.name, concurrency: t.entry.concurrency, effective, capacity: cap, ratio: peak && peak.rps > 0 ? cap / peak.rps : null };
    })
    : [];
  const suspect = run.targets.flatMap((t) => {
    const g = (t.entry as { generator?: { saturated?: boolean; reason?: string | null } }).generator;
    return g?.saturated ? [`The load generator was saturated while driving ${t.entry.name}${g.reason ? ` (${g.reason})` : ''}: its latencies include time queued in the generator and overstate the server's.`] : [];
  });
  return { title, targets, why: [...suspect, ...why(run, peak)], capacity, peak };
}
