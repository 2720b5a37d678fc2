import { readFileSync } from 'node:fs';

/** The machine's CPU counters so far, in ticks (/proc/stat's first line). */
export interface MachineTicks {
  /** Everything but idle and iowait: softirq and steal included. */
  busy: number;
  total: number;
  /** The kernel's deferred work, where loopback TCP goes (~35 % of a core at 30,000–59,000 req/s); run in a process's context, it may be in that process's CPU as well. */
  softirq: number;
  /** Time the hypervisor ran something else while a vCPU of this machine wanted to run. */
  steal: number;
}

/** Read /proc/stat's first line; null off Linux. */
export function machineTicks(): MachineTicks | null {
  try {
    return parseMachineTicks(readFileSync('/proc/stat', 'latin1').slice(0, 200).split('\n')[0]!);
  } catch {
    return null;
  }
}

/** `cpu  user nice system idle iowait irq softirq steal …` → ticks; null when it does not parse. */
export function parseMachineTicks(line: string): MachineTicks | null {
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 5 || f.some((x) => !Number.isFinite(x))) return null;
  const total = f.reduce((n, x) => n + x, 0);
  return { busy: total - f[3]! - f[4]!, total, softirq: f[6] ?? 0, steal: f[7] ?? 0 };
}

/**
 * The machine's CPU between two readings, each share in % of one core (up to cores × 100). A
 * share of all ticks, so a clock that does not tick exactly cores × 100 a second still reads right.
 */
export function machineShares(t0: MachineTicks | null, t1: MachineTicks | null, cores: number): { busyPct: number; softirqPct: number; stealPct: number } | null {
  if (!t0 || !t1 || t1.total <= t0.total) return null;
  const pct = (d: number) => (d / (t1.total - t0.total)) * cores * 100;
  return { busyPct: pct(t1.busy - t0.busy), softirqPct: pct(t1.softirq - t0.softirq), stealPct: pct(t1.steal - t0.steal) };
}
