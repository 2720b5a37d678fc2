import { LAB_SERVICE_TIME, labWorkModel } from '../run/service-time.ts';
import { theoryRule } from '../analysis/capacity-theory.ts';
import { runCapacity } from '../modes/capacity.ts';
import type { FoundTarget } from '../input/discover.ts';
import { runKnee } from '../modes/knee.ts';
import type { LabFlags } from './args.ts';
import { formatCapacity, formatKnee } from './mode-tables.ts';
import { buildManifest } from '../results/manifest.ts';
import { safeDirName, writeManifest } from '../results/write.ts';
import type { TargetState } from '../results/format.ts';
import { concurrencyOf } from '../input/concurrency.ts';

/** The run folder's suffix for the measurement modes: results/<time>-capacity, -knee, -capacity-knee. */
export function modeName(flags: Pick<LabFlags, 'capacity' | 'knee'>): string | null {
  const parts = [flags.capacity ? 'capacity' : '', flags.knee ? 'knee' : ''].filter(Boolean);
  return parts.length ? parts.join('-') : null;
}

/**
 * `--capacity` and/or `--knee` instead of a profile run: each writes its JSON into the run
 * folder and prints its table. Exit code: 0 all ok or skipped, 1 a target failed, 130 interrupted.
 */
export async function runModes(o: {
  flags: LabFlags;
  targets: FoundTarget[];
  runDir: string;
  signal: AbortSignal;
  spawned(pid: number): void;
  stopped(pid: number): void;
}): Promise<number> {
  const { flags } = o;
  const common = {
    targets: o.targets, work: flags.work, seed: flags.seed, size: flags.size, runDir: o.runDir, signal: o.signal,
    allowRemote: flags['allow-remote'], spawned: o.spawned, stopped: o.stopped, log: (line: string) => console.log(line),
  };
  console.log(`loadlab: ${modeName(flags)} mode, ${o.targets.length} target(s), work ${flags.work}, seed ${flags.seed}`);
  console.log(`results: ${o.runDir}\n`);
  // The same manifest as a profile run (machine, Node, commit, seed), with no profile: the report reads it.
  const manifest = await buildManifest({
    runDir: o.runDir, work: flags.work, seed: flags.seed, profile: null, profileSource: modeName(flags) ?? '', serviceTime: LAB_SERVICE_TIME, workModel: labWorkModel(flags.work),
    targets: o.targets.map((t) => ({ name: t.definition.name, description: t.definition.description, ...concurrencyOf(t, flags.size), dir: safeDirName(t.definition.name) })),
  });
  await writeManifest(o.runDir, manifest);
  const states: string[] = [];
  const settle = (rows: { name: string; state: string; error: string | null }[]) => {
    for (const r of rows) {
      const entry = manifest.targets.find((t) => t.name === r.name);
      if (entry && entry.state !== 'failed') Object.assign(entry, { state: r.state as TargetState, error: r.error });
    }
  };
  if (flags.capacity) {
    const rows = await runCapacity({ ...common, connections: flags.connections, seconds: flags['capacity-seconds'] });
    console.log(`\nCapacity (closed loop, no rate limit; theory = ${theoryRule(flags.work, LAB_SERVICE_TIME.meanMs)}):\n${formatCapacity(rows)}\n`);
    states.push(...rows.map((r) => r.state));
    settle(rows);
  }
  if (flags.knee && !o.signal.aborted) {
    const rows = await runKnee({ ...common, sloMs: flags['slo-ms'], stepSeconds: flags['knee-step-seconds'], probeSeconds: flags['knee-probe'] });
    console.log(`\nKnee (open model; the highest arrival rate the target served in a steady state with p95 under the SLO, and the lowest it did not):\n${formatKnee(rows)}\n`);
    states.push(...rows.map((r) => r.state));
    settle(rows);
  }
  manifest.complete = !o.signal.aborted;
  manifest.finishedAt = new Date().toISOString();
  await writeManifest(o.runDir, manifest);
  console.log(`run folder: ${o.runDir}`);
  if (o.signal.aborted) return 130;
  // A skipped target (a requirement not installed) is listed with its install line, not a failure.
  return states.some((s) => s !== 'ok' && s !== 'skipped') ? 1 : 0;
}
