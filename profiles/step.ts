import { between, defineProfile, step } from './lib/define.ts';

// Find where each server breaks: 10 more users every 30 s, up to 50.
export default defineProfile({
  name: 'step',
  description: 'Step load: +10 users every 30 s up to 50 (150 s)',
  wait: between(0.5, 1),
  stages: step({ users: 10, everySeconds: 30, steps: 5 }),
  duration: 150,
});
