import { between, defineProfile } from './lib/define.ts';

// The original experiment: a launch ramps to a peak, then traffic settles.
// Peak ≈ 40 users / (0.75 s wait + service time) ≈ 50 req/s: far past a one-at-a-time
// server's ≈ 18 req/s (1 / 55 ms), well inside a 4-wide pool's ≈ 72 req/s.
export default defineProfile({
  name: 'launch',
  description: 'Product launch: 5 → 15 → 40 users, then back to 20 (90 s)',
  wait: between(0.5, 1),
  stages: [
    { at: 0, users: 5, spawnRate: 5 },
    { at: 20, users: 15, spawnRate: 5 },
    { at: 40, users: 40, spawnRate: 5 },
    { at: 70, users: 20, spawnRate: 5 },
  ],
  duration: 90,
});
