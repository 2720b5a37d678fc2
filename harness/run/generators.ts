import path from 'node:path';
import { generatorLimits, type GeneratorSeries } from '../analysis/generator-limit.ts';
import { judgeGenerator } from '../record/saturation/compute.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import type { GeneratorLoad, GeneratorThreadsFile, SaturationRow, StageStats } from '../results/format.ts';

/** `<target>/generators.json`: the `--generators` threads' split, start skew and per-second load. */
export async function writeThreads(dir: string, file: GeneratorThreadsFile): Promise<void> {
  await writeJsonAtomic(path.join(dir, 'generators.json'), file);
}

/**
 * The generator's judgement, per run and per stage. With `--generators N` the process's CPU is
 * every thread's together (up to N cores), so the one-core rule is judged per thread instead,
 * from each thread's event-loop utilisation and CPU; the lab's thread keeps its loop-delay rule.
 * Without threads the lab's thread is the one generator. Locust's workers are judged as before.
 */
export function judgeWithThreads(rows: readonly SaturationRow[], threads: GeneratorThreadsFile | null, stages: readonly StageStats[], locust: boolean): GeneratorLoad {
  const base = judgeGenerator(threads ? rows.map((r) => ({ ...r, genCpuPct: null })) : rows);
  const peakCpuPct = threads ? judgeGenerator(rows).peakCpuPct : base.peakCpuPct;
  const series: GeneratorSeries[] = threads
    ? threads.threads.map((t) => ({ label: `generator thread ${t.index + 1} of ${threads.generators}`, rows: t.rows }))
    : locust ? [] : [{ label: 'the generator (the lab\'s thread)', rows: rows.map((r) => ({ t: r.t, cpuPct: r.genCpuPct, eldP99Ms: r.genEldP99Ms })) }];
  const limited = generatorLimits(series, stages);
  const at = limited.length ? `the generator, not the server, was the limit at ${limited.map((l) => `stage ${l.stage + 1}`).join(', ')}` : null;
  const reason = [base.reason, at].filter((x): x is string => x !== null).join('; ') || null;
  return { ...base, saturated: base.saturated || limited.length > 0, reason, peakCpuPct, ...(threads ? { threads: threads.generators } : {}), ...(series.length ? { limited } : {}) };
}
