import { describe, expect, it } from 'vitest';
import { closedProfileSchema, MAX_CONNECTIONS, MAX_RATE, MAX_TIMEOUT_MS, openProfileSchema } from '../../../profiles/lib/define.ts';
import { zodMessage, labErrorMap } from '../../../harness/errors.ts';

const open = (over: object) => ({ name: 'o', model: 'open', duration: 5, stages: [{ at: 0, rate: 10 }], ...over });
const closed = (over: object) => ({ name: 'c', duration: 5, stages: [{ at: 0, users: 1, spawnRate: 1 }], ...over });

function refusal(schema: typeof openProfileSchema | typeof closedProfileSchema, input: object): string | null {
  const r = schema.safeParse(input, { errorMap: labErrorMap });
  return r.success ? null : zodMessage('profile', r.error, input);
}

/** Absurd values of each kind: every one is refused, naming the field, before anything runs. */
describe('profile limits: a run can only ask for what the lab can honour and end by itself', () => {
  it.each<[string, object, RegExp]>([
    ['infinite rate', { stages: [{ at: 0, rate: Infinity }] }, /^profile: stages\[0\]\.rate must be a finite number/],
    ['rate 1e9', { stages: [{ at: 0, rate: 1e9 }] }, new RegExp(`^profile: stages\\[0\\]\\.rate must be ≤ ${MAX_RATE}`)],
    ['rate just over the ceiling', { stages: [{ at: 0, rate: MAX_RATE + 1 }] }, /stages\[0\]\.rate must be ≤/],
    ['infinite ramp start', { stages: [{ at: 0, rate: 5, from: Infinity }] }, /stages\[0\]\.from must be a finite number/],
    ['NaN rate', { stages: [{ at: 0, rate: NaN }] }, /stages\[0\]\.rate must be a number/],
    ['timeoutMs 3e9', { timeoutMs: 3e9 }, new RegExp(`^profile: timeoutMs must be ≤ ${MAX_TIMEOUT_MS}`)],
    ['maxInFlight over the connection cap', { maxInFlight: MAX_CONNECTIONS + 1 }, /maxInFlight must be ≤/],
  ])('open: %s is refused', (_label, over, expected) => {
    expect(refusal(openProfileSchema, open(over))).toMatch(expected);
  });

  it.each<[string, object, RegExp]>([
    ['infinite spawn rate', { stages: [{ at: 0, users: 5, spawnRate: Infinity }] }, /stages\[0\]\.spawnRate must be a finite number/],
    ['users over the connection cap', { stages: [{ at: 0, users: 1e9, spawnRate: 1 }] }, new RegExp(`stages\\[0\\]\\.users must be ≤ ${MAX_CONNECTIONS}`)],
    ['timeoutMs 3e9', { timeoutMs: 3e9 }, /^profile: timeoutMs must be ≤ 600000/],
  ])('closed: %s is refused', (_label, over, expected) => {
    expect(refusal(closedProfileSchema, closed(over))).toMatch(expected);
  });

  it('accepts the ceilings themselves', () => {
    expect(refusal(openProfileSchema, open({ stages: [{ at: 0, rate: MAX_RATE, from: 0 }], timeoutMs: MAX_TIMEOUT_MS, maxInFlight: MAX_CONNECTIONS }))).toBeNull();
    expect(refusal(closedProfileSchema, closed({ stages: [{ at: 0, users: MAX_CONNECTIONS, spawnRate: 100 }], timeoutMs: MAX_TIMEOUT_MS }))).toBeNull();
  });
});
