import path from 'node:path';
import { machineInfo, type MachineInfo } from './machine.ts';
import { RESULTS_SCHEMA_VERSION, type RunManifest, type ServiceTimeInfo, type TargetEntry, type WorkModelInfo } from './format.ts';

/** A target as the caller resolved it (name, declared concurrency, folder); its state starts as "not run". */
export type ManifestTarget = Pick<TargetEntry, 'name' | 'description' | 'concurrency' | 'size' | 'dir'> & Partial<Pick<TargetEntry, 'url' | 'repeat' | 'runtime'>>;

export interface ManifestInput {
  runDir: string;
  work: string;
  seed: number;
  /** The profile as run; null for capacity / knee runs. */
  profile: unknown;
  /** Where the profile came from (name or file), or the mode's name ("capacity", "knee"). */
  profileSource: string;
  /** --repeat N; written only when N > 1. */
  repeats?: number;
  targets: ManifestTarget[];
  /** The lab's service-time distribution; null when the lab starts no target of its own (`--url`). */
  serviceTime: ServiceTimeInfo | null;
  /** What `work` does with it in the lab's targets; null with `serviceTime`. */
  workModel: WorkModelInfo | null;
  /** For tests and fixtures: the machine and start time; measured / now by default. */
  machine?: MachineInfo;
  startedAt?: Date;
}

/**
 * The manifest every run writes first (profile, capacity and knee runs alike): machine, code,
 * targets, and what the report needs to reason about the numbers without reading live code.
 */
export async function buildManifest(o: ManifestInput): Promise<RunManifest> {
  const machine = o.machine ?? await machineInfo();
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: path.basename(o.runDir),
    startedAt: (o.startedAt ?? new Date()).toISOString(),
    finishedAt: null,
    complete: false,
    ...machine,
    work: o.work,
    seed: o.seed,
    profile: o.profile,
    profileSource: o.profileSource,
    ...(o.repeats !== undefined && o.repeats > 1 ? { repeats: o.repeats } : {}),
    targets: o.targets.map((t) => ({ ...t, state: 'interrupted', error: 'not run' })),
    serviceTime: o.serviceTime,
    workModel: o.workModel,
    capacityTheory: { work: o.work, cores: machine.cores, meanServiceMs: o.serviceTime?.meanMs ?? null },
  };
}
