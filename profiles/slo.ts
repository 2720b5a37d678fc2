import { between, defineProfile } from './lib/define.ts';

// A CI gate (docs/ci-gate.md): the launch profile's load, with service-level thresholds a server
// must meet to pass (exit 3 when one fails). On this project's 2-core machine (README's launch
// table) the 4-wide targets meet them with room — p95 ≤ 197 ms at every stage, 47–49 of ≈ 50
// req/s offered at the peak, no errors — and a one-at-a-time server fails them (express-dev: p95
// 2.4 s and 17.5 req/s at the peak).
export default defineProfile({
  name: 'slo',
  description: 'Launch load with SLO thresholds: p95 < 500 ms at every stage, ≥ 85% of the peak served, < 1% errors (90 s)',
  wait: between(0.5, 1),
  stages: [
    { at: 0, users: 5, spawnRate: 5, name: 'start' },
    { at: 20, users: 15, spawnRate: 5, name: 'growth' },
    { at: 40, users: 40, spawnRate: 5, name: 'peak' },
    { at: 70, users: 20, spawnRate: 5, name: 'settle' },
  ],
  duration: 90,
  thresholds: [
    { metric: 'p95', op: '<', value: '500ms', scope: 'every-stage' },
    // Offered (closed model) = users ÷ (mean think + mean service time) ≈ 40 ÷ 0.805 s ≈ 50 req/s.
    { metric: 'rps', op: '>=', value: '0.85*offered', scope: 'stage=peak' },
    'errors<1%',
  ],
});
