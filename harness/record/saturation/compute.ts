import type { GeneratorLoad, SaturationRow } from '../../results/format.ts';

/** CPU time a process has used (ms, user + system) as read at wall time `atMs`. */
export interface CpuReading { cpuMs: number; atMs: number }

/**
 * Node is single-threaded: at ~90 % of one core its timers and socket reads already queue
 * behind each other, so the latencies it records include its own wait. Below that there is
 * enough slack for the bursts inside a second.
 */
export const GEN_CPU_LIMIT_PCT = 90;
/**
 * A delay this long is added to every response the generator times in that second: 20 ms is
 * twice the shortest request (10 ms) and over a third of the mean (55 ms) — too much to ignore.
 */
export const GEN_ELD_LIMIT_MS = 20;
/**
 * Seconds in a row over a limit. A lone second is a GC pause, JIT warm-up or a neighbour on a
 * shared core (seen at 20–28 ms on a busy 2-core box at 8 % CPU); three in a row is the run itself.
 */
export const GEN_MIN_SECONDS = 3;

/** CPU % of one core between two readings of one process; null if no time passed or the counter went back (pid reused). */
export function cpuPct(prev: CpuReading, next: CpuReading): number | null {
  const wall = next.atMs - prev.atMs;
  const used = next.cpuMs - prev.cpuMs;
  if (wall <= 0 || used < 0) return null;
  return (used / wall) * 100;
}

/**
 * CPU % summed over the pids read both times. A pid that appeared in between is left out for
 * this one second (its share of the interval is unknown); null when no pid was read twice.
 */
export function treeCpuPct(prev: ReadonlyMap<number, CpuReading>, next: ReadonlyMap<number, CpuReading>): number | null {
  let sum: number | null = null;
  for (const [pid, n] of next) {
    const p = prev.get(pid);
    const pct = p ? cpuPct(p, n) : null;
    if (pct !== null) sum = (sum ?? 0) + pct;
  }
  return sum;
}

export const round1 = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10) / 10);
export const round2 = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 100) / 100);

/** Longest run of consecutive rows whose value is at least `limit`. */
export function longestRunAtLeast(values: readonly (number | null)[], limit: number): number {
  let best = 0;
  let run = 0;
  for (const v of values) {
    run = v !== null && v >= limit ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

function peak(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? Math.max(...xs) : null;
}

/** Was the load generator itself the bottleneck? Decided from the generator columns only. */
export function judgeGenerator(rows: readonly SaturationRow[]): GeneratorLoad {
  const peakCpuPct = peak(rows.map((r) => r.genCpuPct));
  const peakEldP99Ms = peak(rows.map((r) => r.genEldP99Ms));
  const cpuSeconds = longestRunAtLeast(rows.map((r) => r.genCpuPct), GEN_CPU_LIMIT_PCT);
  const eldSeconds = longestRunAtLeast(rows.map((r) => r.genEldP99Ms), GEN_ELD_LIMIT_MS);
  const reasons: string[] = [];
  if (cpuSeconds >= GEN_MIN_SECONDS) reasons.push(`CPU ≥ ${GEN_CPU_LIMIT_PCT} % of one core for ${cpuSeconds} s in a row (peak ${peakCpuPct} %)`);
  if (eldSeconds >= GEN_MIN_SECONDS) reasons.push(`event-loop delay p99 ≥ ${GEN_ELD_LIMIT_MS} ms for ${eldSeconds} s in a row (peak ${peakEldP99Ms} ms)`);
  return {
    saturated: reasons.length > 0,
    reason: reasons.length ? `load generator saturated: ${reasons.join('; ')}` : null,
    peakCpuPct,
    peakEldP99Ms,
  };
}

export const SATURATION_COLUMNS = ['t', 'cpuPct', 'rssMb', 'eldP99Ms', 'genCpuPct', 'genRssMb', 'genEldP99Ms'] as const satisfies readonly (keyof SaturationRow)[];

/** The rows as CSV, columns named as in the JSON; an empty cell is null. */
export function saturationCsv(rows: readonly SaturationRow[]): string {
  const lines = rows.map((r) => SATURATION_COLUMNS.map((c) => (r[c] === null ? '' : String(r[c]))).join(','));
  return `${[SATURATION_COLUMNS.join(','), ...lines].join('\n')}\n`;
}
