import type { Profile } from '../../profiles/lib/define.ts';
import type { RecorderResult } from '../record/recorder.ts';
import type { SpreadFile, Summary, TargetEntry, TargetValidity } from '../results/format.ts';
import { checkValidity, combineRepeats, runValidity } from '../analysis/validity.ts';

/** One finished target run's validity; none for a target that did not finish (its verdict says why). */
export function validityOf(entry: TargetEntry, result: RecorderResult | null, profile: Profile): TargetValidity | undefined {
  if (entry.state !== 'ok' || !result) return undefined;
  return checkValidity({
    model: profile.model,
    ...(profile.model === 'closed' ? { wait: profile.wait } : {}),
    stages: result.stages, rows: result.rows, generator: entry.generator, openDrive: entry.openDrive, errors: result.errors, timeoutMs: profile.timeoutMs,
  });
}

/** Collects each target's runs' validity and writes it, with the run's, into the summary. */
export class ValidityBook {
  private readonly byTarget = new Map<string, TargetValidity[]>();

  add(name: string, v: TargetValidity | undefined): void {
    if (v) this.byTarget.set(name, [...(this.byTarget.get(name) ?? []), v]);
  }

  apply(summary: Summary, spread: SpreadFile | null): void {
    for (const t of summary.targets) {
      const runs = this.byTarget.get(t.name);
      if (!runs) continue;
      t.validity = spread ? combineRepeats(runs, spread.targets.find((s) => s.name === t.name)) : runs[0]!;
    }
    summary.validity = runValidity(summary.targets);
  }
}
