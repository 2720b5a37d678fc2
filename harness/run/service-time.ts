import { MEAN_SERVICE_MS, SERVICE_MAX_MS, SERVICE_MIN_MS } from '../../targets/lib/prng.ts';
import { WORK_DESCRIPTIONS } from '../../targets/lib/work.ts';
import type { WorkModel } from '../../targets/lib/define.ts';
import type { ServiceTimeInfo, WorkModelInfo } from '../results/format.ts';

/**
 * The service-time distribution the lab's targets draw from, read from their own module at run
 * time and written into the manifest, so a report never has to look at targets/ again.
 */
export const LAB_SERVICE_TIME: ServiceTimeInfo = {
  distribution: 'uniform', minMs: SERVICE_MIN_MS, maxMs: SERVICE_MAX_MS, meanMs: MEAN_SERVICE_MS, source: 'targets/lib/prng.ts',
};

/** What `work` does with a request's service time in the lab's targets, for the manifest. */
export const labWorkModel = (work: WorkModel): WorkModelInfo => ({ name: work, description: WORK_DESCRIPTIONS[work] });
