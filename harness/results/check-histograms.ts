import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { HistogramsFile } from './format.ts';

/** Why `base64` is not a histogram hdr-histogram-js can decode, or null when it is one. */
export function histogramProblem(base64: unknown): string | null {
  if (typeof base64 !== 'string') return `expected a base64 string, got ${base64 === null ? 'null' : typeof base64}`;
  try {
    decodeFromCompressedBase64(base64);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * histograms.json as the report can use it: every histogram decoded once here, and each one that
 * cannot be is left out with a line in `problems`, so a chart never silently lacks a curve.
 */
export function checkHistograms(h: unknown, label: string, problems: string[]): HistogramsFile | null {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) {
    problems.push(`${label} is not an object of histograms`);
    return null;
  }
  const f = h as Partial<HistogramsFile>;
  const bad = (field: string, why: string) => problems.push(`${label}: histogram "${field}" cannot be decoded (${why}); it is left out of the charts`);
  const optional = (field: string, v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    const why = histogramProblem(v);
    if (why) bad(field, why);
    return why ? null : (v as string);
  };
  const runWhy = histogramProblem(f.run);
  if (runWhy) bad('run', runWhy);
  const stages = (Array.isArray(f.stages) ? f.stages : []).flatMap((s, i) => {
    const why = histogramProblem(s?.raw);
    if (why) {
      bad(`stages[${i}].raw`, why);
      return [];
    }
    return [{ ...s, corrected: optional(`stages[${i}].corrected`, s.corrected), sent: optional(`stages[${i}].sent`, s.sent) }];
  });
  if (runWhy && !stages.length) return null;
  return {
    unit: 'us',
    ...(f.latencyBasis ? { latencyBasis: f.latencyBasis } : {}),
    run: runWhy ? '' : (f.run as string),
    runCorrected: optional('runCorrected', f.runCorrected),
    runSent: optional('runSent', f.runSent),
    stages,
  };
}
