import { defineProfile } from './lib/define.ts';

// The launch finding under an open model: arrivals keep coming whatever the server does.
// 45 req/s is far past a one-at-a-time server's ≈ 18 req/s (1 / 55 ms) and well inside a
// 4-wide pool's ≈ 72 req/s. The overloaded server's backlog grows by ≈ 27 req/s: in about
// ten seconds 200 requests are outstanding (later arrivals are dropped) and the oldest pass
// the 10 s timeout, so both failure modes show up instead of only ever-slower successes.
export default defineProfile({
  name: 'open-ramp',
  model: 'open',
  description: 'Open model: 10 req/s, ramp to 45 req/s, hold, back to 15 (70 s)',
  stages: [
    { at: 0, rate: 10 },
    { at: 15, from: 10, rate: 45 },
    { at: 35, rate: 45 },
    { at: 55, rate: 15 },
  ],
  duration: 70,
  maxInFlight: 200,
  timeoutMs: 10_000,
});
