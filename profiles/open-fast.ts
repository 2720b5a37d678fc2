import { defineProfile } from './lib/define.ts';

// An open model for a fast target (fastify-hello answers in ~0.1 ms): 20,000 arrivals a second,
// with 100 ms of them allowed in flight. Its first second shows whether the lab's own start-up
// (connections, JIT) lands in the numbers; docs/knee.md has what it measured.
export default defineProfile({
  name: 'open-fast',
  model: 'open',
  description: 'Open model for a fast target: 20,000 req/s (6 s)',
  stages: [{ at: 0, rate: 20_000 }],
  duration: 6,
  maxInFlight: 2000,
  warmupSeconds: 1,
  timeoutMs: 2000,
});
