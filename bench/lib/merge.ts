import { decodeHistogram, latencyStats, newLatencyHistogram } from '../../harness/record/histogram.ts';
import type { LatencyStats } from '../../harness/results/format.ts';
import type { SideResult } from './side-types.ts';

/**
 * One row from a generator's slices: counts, seconds and CPU add up; latency comes from the
 * merged histograms when every slice has one (lab), else the worst slice's percentiles (autocannon).
 */
export function mergeSlices(slices: SideResult[]): SideResult {
  const first = slices[0];
  if (!first) throw new Error('mergeSlices: no slices');
  const sum = (f: (r: SideResult) => number) => slices.reduce((n, r) => n + f(r), 0);
  const requests = sum((r) => r.requests);
  const errors = sum((r) => r.errors);
  const seconds = sum((r) => r.seconds);
  const cpuMs = slices.every((r) => r.cpuMs !== null) ? sum((r) => r.cpuMs ?? 0) : null;
  const ok = sum((r) => r.rps * r.seconds);
  const lags = slices.flatMap((r) => (r.maxLagMs === undefined ? [] : [r.maxLagMs]));
  return {
    tool: first.tool,
    requests, errors,
    dropped: sum((r) => r.dropped),
    seconds: Math.round(seconds * 100) / 100,
    rps: seconds > 0 ? Math.round(ok / seconds) : 0,
    cpuMs,
    cpuUsPerRequest: cpuMs !== null && requests > 0 ? Math.round((cpuMs * 10_000) / requests) / 10 : null,
    latency: mergedLatency(slices),
    rss: [],
    ...(lags.length > 0 ? { maxLagMs: Math.max(...lags) } : {}),
    ...(slices.every((r) => r.droppedLate !== undefined) ? { droppedAtCap: sum((r) => r.droppedAtCap ?? 0), droppedLate: sum((r) => r.droppedLate ?? 0), scheduled: sum((r) => r.scheduled ?? 0) } : {}),
    ...(slices.every((r) => r.waited !== undefined) ? { waited: sum((r) => r.waited ?? 0), maxWaitMs: Math.max(...slices.map((r) => r.maxWaitMs ?? 0)) } : {}),
    // Time-weighted over the slices, as each slice's own mean is over its seconds.
    ...(slices.every((r) => r.inFlightLevels) ? { inFlightLevels: slices.reduce<number[]>((acc, r) => r.inFlightLevels!.map((x, k) => x + (acc[k] ?? 0)), []) } : {}),
    ...(slices.every((r) => r.meanInFlight !== undefined) && seconds > 0 ? { meanInFlight: Math.round((sum((r) => r.meanInFlight! * r.seconds) / seconds) * 100) / 100 } : {}),
  };
}

function mergedLatency(slices: SideResult[]): LatencyStats {
  if (slices.every((r) => r.histogram)) {
    const h = newLatencyHistogram();
    for (const r of slices) h.add(decodeHistogram(r.histogram!));
    return latencyStats(h);
  }
  const worst = (k: keyof LatencyStats) => {
    const xs = slices.map((r) => r.latency[k]).filter((x): x is number => x !== null);
    return xs.length > 0 ? Math.max(...xs) : null;
  };
  return { count: slices.reduce((n, r) => n + r.latency.count, 0), mean: worst('mean'), p50: worst('p50'), p90: worst('p90'), p95: worst('p95'), p99: worst('p99'), p999: worst('p999'), max: worst('max') };
}
