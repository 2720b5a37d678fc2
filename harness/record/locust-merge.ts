import type { UserStage } from '../../profiles/lib/define.ts';
import { usersAt } from '../analysis/schedule.ts';
import type { CpuSample, LoggedRequest, WorkerLog } from '../drive/locust/request-log.ts';
import type { Recorder } from './recorder.ts';
import type { LocustWorkerShare } from '../results/format.ts';


export interface MergeResult {
  workers: LocustWorkerShare[];
  /** Per profile second: the busiest worker's CPU (% of one core); null where no worker sampled. */
  genCpuPct: (number | null)[];
  /** Requests whose start lies before the profile's start or after its end + timeout: a clock out of step. */
  outOfRun: number;
  requests: number;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Per-second CPU % of one worker: each pair of consecutive samples lands in the second its midpoint falls in. */
function cpuBySecond(cpu: readonly CpuSample[], startUs: number, seconds: number): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: seconds }, () => null);
  for (let i = 1; i < cpu.length; i++) {
    const a = cpu[i - 1]!;
    const b = cpu[i]!;
    const k = Math.floor(((a.atUs + b.atUs) / 2 - startUs) / 1e6);
    if (b.atUs <= a.atUs || k < 0 || k >= seconds) continue;
    const pct = ((b.cpuUs - a.cpuUs) / (b.atUs - a.atUs)) * 100;
    out[k] = Math.max(out[k] ?? 0, round1(pct));
  }
  return out;
}

/**
 * Feed every worker's requests into one recorder, in order of completion (start + latency), as
 * the built-in driver feeds it live: the same per-second, per-stage and whole-run histograms,
 * from the exact latencies. Users per second follow the schedule the shape followed; `liveUsers`
 * (Locust's own count per second, stats-history.ts) becomes the rows' liveUsers.
 */
export function mergeWorkerLogs(o: { logs: readonly WorkerLog[]; startUs: number; stages: readonly UserStage[]; duration: number; timeoutMs: number; recorder: Recorder; liveUsers?: readonly (number | null)[] }): MergeResult {
  const all: LoggedRequest[] = o.logs.flatMap((l) => l.requests);
  all.sort((a, b) => a.startUs + a.latencyUs - (b.startUs + b.latencyUs));
  const seconds = Math.ceil(o.duration);
  const endUs = o.startUs + (o.duration * 1000 + o.timeoutMs) * 1000;
  let outOfRun = 0;
  let nextMark = 0;
  const markUsersUntil = (t: number) => {
    // The row keeps the last count set in its second, as the live driver's 100 ms ticks leave it.
    for (; nextMark < seconds && nextMark + 0.999 <= t; nextMark++) o.recorder.users(nextMark + 0.999, usersAt(o.stages, nextMark + 0.999), o.liveUsers?.[nextMark] ?? undefined);
  };
  for (const r of all) {
    if (r.startUs < o.startUs - 1_000_000 || r.startUs > endUs) outOfRun++;
    const t = (r.startUs + r.latencyUs - o.startUs) / 1e6;
    markUsersUntil(t);
    if (r.kind === 'ok') o.recorder.ok(t, r.latencyUs);
    else o.recorder.error(t, r.kind, r.message);
  }
  markUsersUntil(seconds);
  const perWorker = o.logs.map((l) => cpuBySecond(l.cpu, o.startUs, seconds));
  const genCpuPct = Array.from({ length: seconds }, (_, k) => {
    const xs = perWorker.map((w) => w[k]).filter((v): v is number => v !== null && v !== undefined);
    return xs.length ? Math.max(...xs) : null;
  });
  const workers = o.logs.map((l, i) => {
    const first = l.cpu[0];
    const last = l.cpu[l.cpu.length - 1];
    const peaks = perWorker[i]!.filter((v): v is number => v !== null);
    return {
      name: l.name,
      requests: l.requests.length,
      cpuSeconds: first && last && l.cpu.length > 1 ? Math.round(last.cpuUs - first.cpuUs) / 1e6 : null,
      peakCpuPct: peaks.length ? Math.max(...peaks) : null,
      badLines: l.badLines,
    };
  });
  return { workers, genCpuPct, outOfRun, requests: all.length };
}
