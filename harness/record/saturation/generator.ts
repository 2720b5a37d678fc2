import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { cpuPct, type CpuReading } from './compute.ts';

const ELD_RESOLUTION_MS = 10;

export interface SelfReading { cpuPct: number | null; rssBytes: number | null; eldP99Ms: number | null }

/** This process (the load generator) watching itself: CPU, RSS and event-loop delay since the previous read. */
export interface SelfProbe { read(): SelfReading; close(): void }

export function selfProbe(): SelfProbe {
  const eld: IntervalHistogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  let prev = selfCpu();
  return {
    read() {
      const next = selfCpu();
      const pct = cpuPct(prev, next);
      prev = next;
      const p99 = eld.count > 0 ? loopDelayMs(eld.percentile(99)) : null;
      eld.reset();
      return { cpuPct: pct, rssBytes: rssBytes(), eldP99Ms: p99 };
    },
    close: () => eld.disable(),
  };
}

/** Reading RSS opens /proc/self/stat: with every descriptor taken (EMFILE) this second has none. */
function rssBytes(): number | null {
  try {
    return process.memoryUsage.rss();
  } catch {
    return null;
  }
}

/** This process's CPU time so far and when it was read, for cpuPct. */
export function selfCpu(): CpuReading {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, atMs: performance.now() };
}

/** Node 20's histogram records each whole timer interval (idle ≈ the resolution); the delay is what lies beyond it. */
function loopDelayMs(ns: number): number {
  return Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS);
}
