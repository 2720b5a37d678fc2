import { correctionFor } from '../analysis/correction.ts';
import {
  SCHEMA1_SERVICE_TIME, type CapacityTheoryInputs, type CorrectionInfo, type RunManifest, type ServiceTimeInfo, type TargetEntry, type WorkModelInfo,
} from './format.ts';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const schemaOf = (m: RunManifest): number => (num(m.schemaVersion) ? m.schemaVersion : 1);

function isServiceTime(x: unknown): x is ServiceTimeInfo {
  return isObj(x) && x.distribution === 'uniform' && num(x.minMs) && num(x.maxMs) && num(x.meanMs) && x.meanMs > 0 && typeof x.source === 'string';
}

/**
 * The service-time distribution of the run's own targets. Schema ≥ 2: as recorded (null when
 * the lab started none, or when the field is unusable: that is then a problem). Schema 1: the
 * uniform 10–100 ms every run of that schema used, if the lab started any target.
 */
export function serviceTimeOf(m: RunManifest, problems: string[]): ServiceTimeInfo | null {
  if (schemaOf(m) < 2) return m.targets.some((t) => !t.url) ? SCHEMA1_SERVICE_TIME : null;
  if (m.serviceTime === null) return null;
  if (isServiceTime(m.serviceTime)) return m.serviceTime;
  problems.push(`manifest.json: "serviceTime" is ${m.serviceTime === undefined ? 'missing' : 'not a service-time distribution'}, so no capacity figure can be computed`);
  return null;
}

/** What the work model did, as recorded (schema ≥ 2); null when not recorded or unusable. */
export function workModelOf(m: RunManifest): WorkModelInfo | null {
  const w = m.workModel as unknown;
  return isObj(w) && typeof w.name === 'string' && typeof w.description === 'string' ? { name: w.name, description: w.description } : null;
}

/** The capacity theory's inputs as recorded; schema 1 (or an unusable field): the manifest's work and cores with the mean above. */
export function theoryOf(m: RunManifest, serviceTime: ServiceTimeInfo | null): CapacityTheoryInputs {
  const t = m.capacityTheory as unknown;
  if (isObj(t) && typeof t.work === 'string' && num(t.cores) && (t.meanServiceMs === null || num(t.meanServiceMs))) return t as unknown as CapacityTheoryInputs;
  return { work: m.work, cores: num(m.cores) ? m.cores : 0, meanServiceMs: serviceTime?.meanMs ?? null };
}

type WaitTime = Parameters<typeof correctionFor>[0];

function isWait(x: unknown): x is WaitTime {
  if (!isObj(x)) return false;
  return (x.kind === 'between' && num(x.min) && num(x.max)) || ((x.kind === 'constant' || x.kind === 'constantPacing') && num(x.seconds));
}

function isCorrection(x: unknown): x is CorrectionInfo {
  return isObj(x) && (x.expectedIntervalMs === null || num(x.expectedIntervalMs)) && (x.serviceMs === null || num(x.serviceMs))
    && (x.source === 'service-time' || x.source === 'warm-up' || x.source === 'none');
}

/**
 * The coordinated-omission correction a closed-model target's corrected view used; null for
 * open-model, capacity and knee runs. Schema 1 recorded none: every target, `--url` ones
 * included, was corrected with the lab's own mean service time, so that is what is returned.
 */
export function correctionOf(m: RunManifest, entry: TargetEntry, serviceTime: ServiceTimeInfo | null): CorrectionInfo | null {
  const profile = isObj(m.profile) ? m.profile : null;
  if (!profile || profile.model === 'open') return null;
  if (isCorrection(entry.correction)) return entry.correction;
  if (schemaOf(m) >= 2 || !isWait(profile.wait)) return null;
  return correctionFor(profile.wait, serviceTime?.meanMs ?? SCHEMA1_SERVICE_TIME.meanMs, 'service-time');
}
