import type { LabEvents } from '../run/lab.ts';
import type { IntervalRow, SaturationRow } from '../results/format.ts';
import type { RunData } from '../results/run-data.ts';
import { liveCharts } from './charts.ts';
import type { DoneTarget, LiveValidity, StatusMessage, ThresholdLine } from './messages.ts';

export interface LiveProfile { name: string; model: 'closed' | 'open'; duration: number; stageCount: number }

interface Current {
  index: number;
  count: number;
  name: string;
  rows: IntervalRow[];
  saturation: SaturationRow[];
}

/**
 * What the live page shows, kept from the run's events: the finished targets as their files say
 * (`base`, re-read between targets), the running one from its per-second rows. Pure: no I/O;
 * `load` is given the run-folder reader.
 */
export class LiveState {
  private current: Current | null = null;
  private base: RunData | null = null;
  private finished = 0;
  private charts: StatusMessage['charts'] = [];
  /** Bumped by every event, so the server sends only when something changed. */
  version = 0;

  constructor(private readonly runDir: string, private readonly profile: LiveProfile) {}

  /** Targets finished when the base was asked for: their files were complete in it. */
  private baseFinished = 0;

  /** Targets finished so far. */
  get finishedCount(): number {
    return this.finished;
  }

  /**
   * The run folder as read once `finished` targets had ended (their files complete, the rest
   * empty or partial). Only those are listed as done: a read from before a target ended would
   * show it half-written.
   */
  setBase(run: RunData, finished = this.finished): void {
    this.base = run;
    this.baseFinished = finished;
    this.version++;
  }

  /** The events to add to the run's; `reload` re-reads the run folder (after a target's files are written). */
  events(reload: () => void): LabEvents {
    return {
      targetStart: ({ index, count, name }) => {
        this.current = { index, count, name, rows: [], saturation: [] };
        this.version++;
        reload();
      },
      interval: ({ row }) => {
        this.current?.rows.push(row);
        this.version++;
      },
      saturation: ({ row }) => {
        this.current?.saturation.push(row);
        this.version++;
      },
      targetEnd: () => {
        this.finished++;
        this.version++;
      },
    };
  }

  /** The run as the report would see it if it ended now: the base, with the running target's rows so far. */
  liveRun(): RunData | null {
    const base = this.base;
    if (!base) return null;
    const cur = this.current;
    // Once its files are read back, the running target is drawn from them like the others.
    if (!cur || (base.targets[cur.index]?.series.length ?? 0) > 0) return base;
    return {
      ...base,
      targets: base.targets.map((t, i) => (i === cur.index ? { ...t, series: cur.rows, saturation: cur.saturation.length ? cur.saturation : null } : t)),
    };
  }

  /** The run's validity verdict and thresholds' outcomes as summary.json last read has them (the end message's). */
  outcome(): { validity: LiveValidity | null; thresholds: ThresholdLine[] } {
    const s = this.base?.summary;
    return {
      validity: verdictOf(s?.validity),
      thresholds: (s?.thresholds ?? []).map((o) => ({ target: o.target, expression: o.expression, status: o.status, message: o.message })),
    };
  }

  /** `charts: false` repeats the charts last built (they cost the most; see server.ts chartIntervalMs). */
  status(o: { charts?: boolean } = {}): StatusMessage {
    const cur = this.current && this.finished <= this.current.index ? this.current : null;
    const last = cur?.rows.at(-1);
    const sat = cur?.saturation.at(-1);
    const run = this.liveRun();
    return {
      type: 'status',
      runDir: this.runDir,
      profile: this.profile,
      current: cur && {
        name: cur.name, index: cur.index, count: cur.count,
        phase: last ? 'running' : 'starting',
        stage: last ? last.stage : null,
        load: last ? last.users : null,
        elapsed: last ? Math.min(this.profile.duration, last.t + 1) : 0,
        total: this.profile.duration,
      },
      latest: last ? { t: last.t, p50: last.p50, p95: last.p95, p99: last.p99, rps: last.rps, errors: last.errors, errorsTotal: last.errorsTotal } : null,
      saturation: sat ? { cpuPct: sat.cpuPct, rssMb: sat.rssMb, genCpuPct: sat.genCpuPct, genEldP99Ms: sat.genEldP99Ms } : null,
      done: run ? doneTargets(run, Math.min(this.finished, this.baseFinished)) : [],
      charts: o.charts === false ? this.charts : (this.charts = run ? liveCharts(run) : []),
    };
  }
}

/** The first `finished` targets, with their verdicts once summary.json has them. */
function doneTargets(run: RunData, finished: number): DoneTarget[] {
  return run.targets.slice(0, finished).map((t) => ({
    name: t.entry.name,
    state: t.entry.state,
    status: t.summary?.status ?? null,
    verdict: t.summary?.verdict ?? null,
    validity: verdictOf(t.summary?.validity),
    files: t.files.map((f) => ({ path: f.path, bytes: f.bytes })),
  }));
}

/** Only the verdict and why of a validity (its checks and Little's law rows stay in the files). */
const verdictOf = (v: { verdict: 'valid' | 'suspect'; why: string[] } | undefined): LiveValidity | null => (v ? { verdict: v.verdict, why: v.why } : null);
