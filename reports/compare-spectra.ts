import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { CompareSpectrum } from '../harness/results/format.ts';
import type { TargetRun } from '../harness/results/run-data.ts';
import { spectrum } from './charts/spectrum-math.ts';

/** The histograms merged (each decoded; an unreadable one is left out, as the report does); null when none. */
function merged(encoded: readonly (string | null | undefined)[]): Histogram | null {
  let sum: Histogram | null = null;
  for (const e of encoded) {
    if (!e) continue;
    try {
      const h = decodeFromCompressedBase64(e);
      if (sum) sum.add(h);
      else sum = h;
    } catch {
      // harness/results/load.ts has already listed a bad histogram among the run's problems.
    }
  }
  return sum;
}

/**
 * A side's percentile spectra for compare.json: the whole run and each stage, its counted repeats
 * merged (every response of every repeat counts once). Built by `npm run compare` from the run
 * folders, so compare.html draws them from compare.json alone.
 */
export function sideSpectra(side: CompareSpectrum['side'], runs: readonly TargetRun[]): CompareSpectrum[] {
  const out: CompareSpectrum[] = [];
  const whole = merged(runs.map((r) => r.histograms?.run));
  if (whole) out.push({ side, stage: null, points: spectrum(whole) });
  const indexes = [...new Set(runs.flatMap((r) => r.histograms?.stages.map((s) => s.index) ?? []))].sort((a, b) => a - b);
  for (const index of indexes) {
    const h = merged(runs.map((r) => r.histograms?.stages.find((s) => s.index === index)?.raw));
    if (h && h.totalCount > 0) out.push({ side, stage: index, points: spectrum(h) });
  }
  return out.filter((s) => s.points.length > 0);
}
