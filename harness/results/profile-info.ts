import type { ProfileInfo } from './run-data.ts';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * The profile is stored as `unknown` in the manifest (its schema may grow), so read only what the
 * report needs and tolerate anything else rather than refuse to render.
 */
export function readProfile(raw: unknown, fallbackName: string): ProfileInfo {
  const p = isObj(raw) ? raw : {};
  const model = p.model === 'open' ? 'open' : 'closed';
  const stages = Array.isArray(p.stages) ? p.stages.filter(isObj) : [];
  return {
    name: typeof p.name === 'string' && p.name ? p.name : fallbackName,
    description: typeof p.description === 'string' ? p.description : '',
    model,
    duration: num(p.duration),
    stages: stages.map((s) => ({ at: num(s.at) ?? 0, load: num(model === 'open' ? s.rate : s.users) ?? 0 })),
    raw,
  };
}

/** What a stage's load number means under this profile's model. */
export const loadUnit = (model: ProfileInfo['model']): string => (model === 'open' ? 'req/s arrival' : 'users');
