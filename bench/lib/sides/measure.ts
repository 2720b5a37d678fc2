import type { RssSample } from '../side-types.ts';

const RSS_EVERY_MS = 1000;

/**
 * CPU (ms, whole process) and wall time around `fn`, plus RSS once a second when asked.
 * Started after warm-up and module loading, so only the measured run is counted.
 */
export async function measured<T>(sampleRss: boolean, fn: () => Promise<T>): Promise<{ value: T; cpuMs: number; seconds: number; rss: RssSample[] }> {
  const rss: RssSample[] = [];
  const t0 = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    rss.push({ t: Math.round((performance.now() - t0) / 100) / 10, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
  };
  const timer = sampleRss ? setInterval(sample, RSS_EVERY_MS) : null;
  const cpu0 = process.cpuUsage();
  try {
    const value = await fn();
    const cpu = process.cpuUsage(cpu0);
    if (sampleRss) sample();
    return { value, cpuMs: (cpu.user + cpu.system) / 1000, seconds: (performance.now() - t0) / 1000, rss };
  } finally {
    if (timer) clearInterval(timer);
  }
}

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
