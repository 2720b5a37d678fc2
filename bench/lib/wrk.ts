import { execa } from 'execa';
import { pin } from './placement.ts';
import { findProgram } from './program.ts';
import type { SideResult } from './side-types.ts';

export const WRK_MISSING = 'wrk not found on PATH: install it with `apt-get install -y wrk` (Debian/Ubuntu); this figure skips it';

export const findWrk = (): string | null => findProgram('wrk');

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** "50.48ms" → 50.48; null when wrk printed something else. */
export function parseWrkDuration(text: string | undefined): number | null {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]!]! * 100) / 100 : null;
}

/** Plain wrk: closed loop, each connection sends its next request when the last one answered. */
export async function runWrk(bin: string, origin: string, connections: number, seconds: number): Promise<SideResult> {
  const child = execa(bin, ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `${origin}/`], {
    stdin: 'ignore', reject: false, timeout: (seconds + 30) * 1000,
  });
  pin(child.pid, 'generator');
  const r = await child;
  if (r.exitCode !== 0) throw new Error(`wrk failed (exit ${r.exitCode ?? r.signal}): ${String(r.stderr).slice(0, 200)}`);
  return parseWrk(String(r.stdout), connections);
}

export function parseWrk(out: string, connections: number): SideResult {
  const pick = (re: RegExp) => re.exec(out)?.[1];
  const requests = Number(pick(/(\d+) requests in/) ?? 0);
  const seconds = parseWrkDuration(pick(/requests in ([\d.]+\w+),/)) ?? 0;
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = Number(pick(/Non-2xx or 3xx responses: (\d+)/) ?? 0)
    + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
  const thread = /Latency\s+([\d.]+\w+)\s+[\d.]+\w+\s+([\d.]+\w+)/.exec(out);
  return {
    tool: `wrk (${connections} conns, closed loop)`,
    requests, errors, dropped: 0,
    seconds: seconds / 1000,
    rps: Math.round(Number(pick(/Requests\/sec:\s+([\d.]+)/) ?? 0)),
    cpuMs: null,
    cpuUsPerRequest: null,
    latency: {
      count: requests - errors,
      mean: parseWrkDuration(thread?.[1]),
      p50: parseWrkDuration(pick(/\s50%\s+([\d.]+\w+)/)),
      p90: parseWrkDuration(pick(/\s90%\s+([\d.]+\w+)/)),
      p95: null,
      p99: parseWrkDuration(pick(/\s99%\s+([\d.]+\w+)/)),
      p999: null,
      max: parseWrkDuration(thread?.[2]),
    },
    rss: [],
  };
}
