import type { GeneratorLimit } from '../results/format.ts';

/** A generator thread whose event loop is busy this share of a second has no slack left to send or read on time. */
export const GEN_ELU_LIMIT = 0.9;
/** The same limits as the single generator's (harness/record/saturation/compute.ts): 90 % of a core, 20 ms loop delay, 3 s in a row. */
export const GEN_THREAD_CPU_LIMIT_PCT = 90;
export const GEN_THREAD_ELD_LIMIT_MS = 20;
export const GEN_LIMIT_SECONDS = 3;

/** One generator's seconds: a thread of `--generators` (elu, cpu) or the lab's own thread (cpu, loop delay). */
export interface GeneratorSeries {
  label: string;
  rows: readonly { t: number; elu?: number | null; cpuPct: number | null; eldP99Ms?: number | null }[];
}

type Row = GeneratorSeries['rows'][number];
const over = (r: Row) => (r.elu ?? 0) >= GEN_ELU_LIMIT || (r.cpuPct ?? 0) >= GEN_THREAD_CPU_LIMIT_PCT || (r.eldP99Ms ?? 0) >= GEN_THREAD_ELD_LIMIT_MS;
const pct = (v: number) => Math.round(v * 100);

function longestOver(rows: readonly Row[]): number {
  let best = 0, run = 0;
  for (const r of rows) best = Math.max(best, (run = over(r) ? run + 1 : 0));
  return best;
}

function peaks(rows: readonly Row[]): string {
  const max = (pick: (r: Row) => number | null | undefined) => rows.reduce<number | null>((m, r) => { const v = pick(r); return v === null || v === undefined ? m : Math.max(m ?? v, v); }, null);
  const elu = max((r) => r.elu), cpu = max((r) => r.cpuPct), eld = max((r) => r.eldP99Ms);
  return [elu !== null ? `event loop ${pct(elu)}% busy` : '', cpu !== null ? `CPU ${cpu}% of a core` : '', eld !== null ? `loop delay p99 ${eld} ms` : ''].filter(Boolean).join(', ');
}

/**
 * Stages during which a generator was saturated: some generator's event loop ≥ 90 % busy, its CPU
 * ≥ 90 % of a core or its loop delay ≥ 20 ms for 3 seconds in a row within the stage (a lone
 * second is a GC pause or a neighbour; a shorter stage is not judged). There the latencies include the generator's own queue and the throughput is what the
 * generator could send: the generator, not the server, was the limit. Pure.
 */
export function generatorLimits(series: readonly GeneratorSeries[], windows: readonly { index: number; at: number; end: number }[]): GeneratorLimit[] {
  const out: GeneratorLimit[] = [];
  for (const w of windows) {
    const hits: string[] = [];
    for (const s of series) {
      const rows = s.rows.filter((r) => r.t >= Math.floor(w.at) && r.t < w.end);
      const run = longestOver(rows);
      if (run >= GEN_LIMIT_SECONDS) hits.push(`${s.label} saturated for ${run} s in a row (peak ${peaks(rows)})`);
    }
    if (hits.length) out.push({ stage: w.index, reason: hits.join('; ') });
  }
  return out;
}
