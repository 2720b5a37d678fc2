import type { RunManifest } from '../results/format.ts';

const num = (n: number) => n.toLocaleString('en-US');

/**
 * Open model, after the results table: each target that dropped arrivals, split by cause (the
 * manifest's openDrive totals). null when none dropped, or the run folder predates openDrive.
 */
export function formatDrops(manifest: Pick<RunManifest, 'targets'>): string | null {
  const lines = manifest.targets.flatMap((t) => {
    const d = t.openDrive;
    if (!d || !(d.dropped > 0)) return [];
    const split = d.droppedAtCap !== undefined && d.droppedLate !== undefined
      ? `: ${num(d.droppedAtCap)} in-flight cap full (the server's queue), ${num(d.droppedLate)} generator late (the lab's own lag)`
      : ' (cause not recorded)';
    return [`  ${t.dir}: ${num(d.dropped)} of ${num(d.scheduled)} arrivals never sent${split}`];
  });
  return lines.length ? `Dropped arrivals (open model):\n${lines.join('\n')}` : null;
}
