import { between, defineProfile } from './lib/define.ts';

// A first look and the tests' profile: light load, then a short overload a one-at-a-time server cannot keep up with.
export default defineProfile({
  name: 'smoke',
  description: 'Smoke: 2 users, then 20 users (10 s)',
  wait: between(0.2, 0.4),
  stages: [
    { at: 0, users: 2, spawnRate: 10 },
    { at: 4, users: 20, spawnRate: 20 },
  ],
  duration: 10,
  warmupSeconds: 1,
});
