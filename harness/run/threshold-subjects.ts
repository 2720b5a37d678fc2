import type { Profile } from '../../profiles/lib/define.ts';
import { countedRuns, medianStages } from '../analysis/spread.ts';
import { medianValues, runValues, stageValues, type MetricValues, type ThresholdSubject } from '../analysis/thresholds.ts';
import { decodeHistogram, latencyStats } from '../record/histogram.ts';
import type { RecorderResult } from '../record/recorder.ts';
import type { StageStats, TargetEntry, TargetState } from '../results/format.ts';

/**
 * The offered rate (req/s) of `users` at one moment. Open model: `users` is the arrival rate.
 * Closed model: what the users send when the server answers in its mean service time, users ÷
 * (mean think time + mean service time) = users ÷ the correction's expected interval; unknown
 * (null) without one (a `--url` server whose warm-up got no answer).
 */
function offeredOf(profile: Profile, entry: TargetEntry, users: number): number | null {
  if (profile.model === 'open') return users;
  const ms = entry.correction?.expectedIntervalMs ?? null;
  return ms === null || ms <= 0 ? null : Math.round((users / (ms / 1000)) * 100) / 100;
}

interface Run { state: TargetState; stages: StageStats[]; run: MetricValues | null }

/** Collects each target's (and repeat's) results as it finishes; `subjects()` is what the thresholds judge. */
export class ThresholdBook {
  private readonly byTarget = new Map<number, { entry: TargetEntry; runs: Run[] }>();

  constructor(private readonly profile: Profile) {}

  add(targetIndex: number, entry: TargetEntry, result: RecorderResult | null): void {
    const book = this.byTarget.get(targetIndex) ?? { entry, runs: [] };
    const run = result && result.rows.length
      ? runValues(latencyStats(decodeHistogram(result.histograms.run)), result.rows, this.meanOffered(entry, result))
      : null;
    book.runs.push({ state: entry.state, stages: result?.stages ?? [], run });
    this.byTarget.set(targetIndex, book);
  }

  private meanOffered(entry: TargetEntry, result: RecorderResult): number | null {
    const per = result.rows.map((r) => offeredOf(this.profile, entry, r.users));
    if (per.some((x) => x === null)) return null;
    return Math.round(((per as number[]).reduce((a, b) => a + b, 0) / per.length) * 100) / 100;
  }

  /** Per target, in run order: with --repeat, the medians of the counted repeats (as summary.json). */
  subjects(): ThresholdSubject[] {
    return [...this.byTarget.entries()].sort(([a], [b]) => a - b).map(([, { entry, runs }]) => {
      const counted = countedRuns(runs.map((r, i) => ({ repeat: i + 1, dir: '', state: r.state, stages: r.stages })));
      const used = counted.map((c) => runs[c.repeat - 1]!);
      const stages = medianStages(counted).map((s) => {
        const offered = this.profile.model === 'open' ? (s.offered ?? s.users) : offeredOf(this.profile, entry, s.users);
        return stageValues(s, offered, this.profile.stages[s.index]?.name);
      });
      const runsMeasured = used.map((r) => r.run).filter((r): r is MetricValues => r !== null);
      const state: TargetState = runs.every((r) => r.state === 'skipped') ? 'skipped' : runs.some((r) => r.state === 'failed') ? 'failed' : runs.some((r) => r.state === 'interrupted') ? 'interrupted' : 'ok';
      return { target: entry.name, state, run: runsMeasured.length ? medianValues(runsMeasured) : emptyValues(), stages };
    });
  }
}

const emptyValues = (): MetricValues => ({ p50: null, p90: null, p95: null, p99: null, p999: null, max: null, mean: null, rps: null, errors: null, offered: null });
