import { BadInput } from './args.ts';
import { startFixture, type Fixture } from './fixture.ts';
import { findNginx, NGINX_MISSING, startNginx } from './nginx.ts';

/**
 * A max-rate figure's server. nginx answers in a few µs of its core, less than either generator,
 * so the generator is what it measures; node:http costs about what a generator does, and at 10
 * connections and more it is the ceiling, so both generators then measure the server.
 */
export const MAX_RATE_TARGETS = ['nginx', 'node'] as const;
export type MaxRateTarget = (typeof MAX_RATE_TARGETS)[number];

/**
 * `--target`'s value, checked (one line naming the flag), or nginx when installed, else node
 * with the reason in `note`.
 */
export function chooseTarget(asked: string | undefined, nginx = findNginx()): { target: MaxRateTarget; note: string | null } {
  if (asked !== undefined && !(MAX_RATE_TARGETS as readonly string[]).includes(asked)) throw new BadInput(`--target: expected ${MAX_RATE_TARGETS.join(' or ')}, got "${asked}"`);
  if (asked === 'nginx' && nginx === null) throw new BadInput(`--target: ${NGINX_MISSING}`);
  if (asked) return { target: asked as MaxRateTarget, note: null };
  return nginx === null
    ? { target: 'node', note: `${NGINX_MISSING}; the target is node:http instead, the ceiling at 10 connections and more (server CPU ≈ 100 %), where the ratios then measure the server` }
    : { target: 'nginx', note: null };
}

export const startMaxRateTarget = (t: MaxRateTarget): Promise<Fixture> => (t === 'nginx' ? startNginx() : startFixture('trivial'));
