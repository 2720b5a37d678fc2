import type { WaitTime } from '../../profiles/lib/define.ts';
import type { CorrectionInfo, CorrectionSource } from '../results/format.ts';
import { meanWaitSeconds } from './schedule.ts';

/**
 * The closed model's coordinated-omission correction: a virtual user that the server keeps up
 * with sends every (mean think time + service time); a response slower than that hid the sends
 * the user would have made, and the corrected histogram adds them back. Without a service time
 * (`serviceMs` null) there is no honest interval, so no corrected view.
 */
export function correctionFor(wait: WaitTime, serviceMs: number | null, source: CorrectionSource): CorrectionInfo {
  if (serviceMs === null || !(serviceMs > 0) || source === 'none') return { expectedIntervalMs: null, serviceMs: null, source: 'none' };
  const svc = serviceMs / 1000;
  const intervalMs = Math.max(0.001, (meanWaitSeconds(wait, svc) + svc) * 1000);
  return { expectedIntervalMs: Math.round(intervalMs * 1000) / 1000, serviceMs, source };
}
