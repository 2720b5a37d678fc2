import autocannon from 'autocannon';
import type { SideResult, SideRunner, SideSpec } from '../side-types.ts';
import { measured } from './measure.ts';

type Spec = Extract<SideSpec, { kind: 'autocannon' }>;

/** autocannon's own API (one process, no workers, pipelining 1): the reference generator. */
export function autocannonSide(s: Spec): SideRunner {
  const once = (seconds: number) => autocannon({ url: s.origin, connections: s.connections, duration: seconds });
  return {
    warmUp: async () => {
      if (s.warmupSeconds > 0) await once(s.warmupSeconds);
    },
    run: async (seconds) => summarize(s, await measured(false, () => once(seconds))),
  };
}

function summarize(s: Spec, m: { value: autocannon.Result; cpuMs: number; seconds: number }): SideResult {
  const r = m.value;
  const errors = r.errors + r.non2xx;
  const requests = r['2xx'] + errors;
  const p = (x: number | undefined) => (x === undefined ? null : x);
  return {
    tool: `autocannon (${s.connections} conns)`,
    requests, errors, dropped: 0,
    seconds: Math.round(m.seconds * 100) / 100,
    rps: Math.round(r['2xx'] / m.seconds),
    cpuMs: Math.round(m.cpuMs),
    cpuUsPerRequest: requests > 0 ? Math.round((m.cpuMs * 10_000) / requests) / 10 : null,
    // autocannon records whole milliseconds.
    latency: {
      count: r['2xx'], mean: p(r.latency.mean), p50: p(r.latency.p50), p90: p(r.latency.p90),
      p95: null, p99: p(r.latency.p99), p999: p(r.latency.p99_9), max: p(r.latency.max),
    },
    rss: [],
  };
}
