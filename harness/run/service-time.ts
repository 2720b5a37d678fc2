import { MEAN_SERVICE_MS, SERVICE_MAX_MS, SERVICE_MIN_MS } from '../../targets/lib/prng.ts';
import type { ServiceTimeInfo } from '../results/format.ts';

/**
 * The service-time distribution the lab's targets draw from, read from their own module at run
 * time and written into the manifest, so a report never has to look at targets/ again.
 */
export const LAB_SERVICE_TIME: ServiceTimeInfo = {
  distribution: 'uniform', minMs: SERVICE_MIN_MS, maxMs: SERVICE_MAX_MS, meanMs: MEAN_SERVICE_MS, source: 'targets/lib/prng.ts',
};
