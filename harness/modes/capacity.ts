import path from 'node:path';
import autocannon from 'autocannon';
import type { WorkModel } from '../../targets/lib/define.ts';
import os from 'node:os';
import { LAB_SERVICE_TIME } from '../run/service-time.ts';
import { theoreticalRps as capacityTheory } from '../analysis/capacity-theory.ts';
import { writeJsonAtomic } from '../results/atomic.ts';
import { warmUp } from '../drive/warmup.ts';
import { latencyStats, newLatencyHistogram, recordUs } from '../record/histogram.ts';
import { errorText, notMeasured, targetInfo, withTarget, type ModeOptions } from './with-target.ts';
import type { CapacityRow } from '../results/format.ts';

export const CAPACITY_DEFAULTS = { connections: 16, seconds: 10 } as const;
/** Unrecorded traffic first, so JIT and first connections stay out of the measured window. */
const WARMUP_SECONDS = 1;
const REQUEST_TIMEOUT_S = 10;

/**
 * The capacity theory (harness/analysis/capacity-theory.ts, the same rule the report applies)
 * with this run's inputs: the lab's mean service time and this machine's cores; 0.1 req/s.
 */
export function theoreticalRps(concurrency: number, work: WorkModel | string, cores = os.availableParallelism()): number | null {
  const rps = capacityTheory({ work, concurrency, cores, meanServiceMs: LAB_SERVICE_TIME.meanMs });
  return rps === null ? null : Math.round(rps * 10) / 10;
}

export interface CapacityOptions extends ModeOptions {
  /** Fixed connections, each sending its next request as soon as the last one answered. @default 16 */
  connections?: number;
  /** Measured seconds per target. @default 10 */
  seconds?: number;
}

export interface Blast { rps: number | null; p50: number | null; p95: number | null; p99: number | null; errors: number; timeouts: number; seconds: number }

/**
 * autocannon at full speed for `seconds`. Its result has no p95, so every 2xx response time
 * it reports (ms, float) also goes into the lab's own histogram, from which p50/p95/p99 come.
 */
export function blast(url: string, connections: number, seconds: number, signal: AbortSignal): Promise<Blast> {
  const hist = newLatencyHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, timeout: REQUEST_TIMEOUT_S, pipelining: 1 }, (err, result) => {
      signal.removeEventListener('abort', onAbort);
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const stats = latencyStats(hist);
      const ok = result['2xx'];
      resolve({
        rps: result.duration > 0 ? Math.round((ok / result.duration) * 10) / 10 : null,
        p50: stats.p50, p95: stats.p95, p99: stats.p99,
        errors: result.errors + result.non2xx,
        timeouts: result.timeouts,
        seconds: result.duration,
      });
    });
    const onAbort = () => instance.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) recordUs(hist, ms * 1000);
    });
  });
}

/** Per target: start it, warm it, then as many requests as `connections` connections get answered. */
export async function runCapacity(o: CapacityOptions): Promise<CapacityRow[]> {
  const connections = o.connections ?? CAPACITY_DEFAULTS.connections;
  const seconds = o.seconds ?? CAPACITY_DEFAULTS.seconds;
  const rows: CapacityRow[] = [];
  for (const t of o.targets) {
    if (o.signal.aborted) break;
    const info = targetInfo(t, o.size);
    const row = (b: Blast | null, state: CapacityRow['state'], error: string | null): CapacityRow => ({
      name: info.name, concurrency: info.concurrency, work: o.work, connections,
      seconds: b?.seconds ?? 0, rps: b?.rps ?? null, p50: b?.p50 ?? null, p95: b?.p95 ?? null, p99: b?.p99 ?? null,
      errors: b?.errors ?? 0, timeouts: b?.timeouts ?? 0,
      theoreticalRps: theoreticalRps(info.concurrency, o.work), state, error,
    });
    o.log?.(`capacity: ${info.name} (concurrency ${info.concurrency}), ${connections} connections for ${seconds} s`);
    try {
      const b = await withTarget(o, t, async (started) => {
        await warmUp({ origin: started.url, seconds: WARMUP_SECONDS, timeoutMs: REQUEST_TIMEOUT_S * 1000, signal: o.signal });
        return blast(started.url, connections, seconds, o.signal);
      });
      rows.push(o.signal.aborted ? row(b, 'interrupted', 'interrupted before the measurement ended') : row(b, 'ok', null));
    } catch (err) {
      rows.push(row(null, notMeasured(err, o.signal), errorText(err)));
    }
    await writeJsonAtomic(path.join(o.runDir, 'capacity.json'), rows);
  }
  await writeJsonAtomic(path.join(o.runDir, 'capacity.json'), rows);
  return rows;
}
