import { LabError, messageOf, showValue } from '../errors.ts';
import type { FoundTarget } from './discover.ts';

export interface TargetSize { size: number; concurrency: number }

/**
 * The size a target runs at (workers, pool threads; 1 unless it has a default size) and the
 * concurrency it declares for that size. A `concurrency()` that throws or returns anything but
 * a whole number ≥ 1 or Infinity (no fixed bound) is a broken target definition: bad input,
 * refused before anything is written.
 */
export function concurrencyOf(t: FoundTarget, size: number | undefined): TargetSize {
  const def = t.definition;
  const s = (def.defaultSize ?? 1) > 1 ? (size ?? def.defaultSize ?? 1) : 1;
  if (!def.concurrency) return { size: s, concurrency: 1 };
  let c: unknown;
  try {
    c = def.concurrency(s);
  } catch (err) {
    const why = messageOf(err).split('\n')[0];
    throw new LabError('BAD_INPUT', `target ${def.name}: concurrency(${s}) threw: ${why}`, { cause: err });
  }
  // No fixed bound (a thread per connection) is recorded as 0, as an unknown one is: JSON has no Infinity.
  if (c === Infinity) return { size: s, concurrency: 0 };
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
    throw new LabError('BAD_INPUT', `target ${def.name}: concurrency(${s}) must return a whole number ≥ 1 or Infinity, got ${showValue(c)}`);
  }
  return { size: s, concurrency: c };
}

/** Every selected target's size and concurrency, checked up front (before a run folder exists). */
export function checkTargets(targets: readonly FoundTarget[], size: number | undefined): void {
  for (const t of targets) concurrencyOf(t, size);
}
