import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { LabFlags } from './args.ts';
import type { Cleanup } from './cleanup.ts';
import type { LabEvents } from '../run/lab.ts';
import type { FoundProfile } from '../input/discover.ts';
import { startLive, type Live } from '../live/live.ts';

/** `--ui`: start the live page and print its URL; without the flag nothing is started. */
export async function liveView(flags: LabFlags, profile: FoundProfile, runDir: string, cleanup: Cleanup): Promise<Live | null> {
  if (!flags.ui) return null;
  const p = profile.profile;
  const live = await startLive({
    runDir, port: flags['ui-port'] ?? 0, onStop: () => cleanup.interrupt('Stop pressed on the live page'),
    profile: { name: p.name, model: p.model, duration: p.duration, stageCount: p.stages.length },
  });
  console.log(`live view: ${live.url}  (127.0.0.1 only; the token in the URL is its key)`);
  return live;
}

/** The run's end on the live page, which then stops (soon after the last page leaves). */
export async function finishLive(live: Live, o: { runDir: string; complete: boolean; signal: AbortSignal }): Promise<void> {
  await live.finish({
    complete: o.complete, signal: o.signal, reportFile: await reportWritten(o.runDir),
    lingering: (ms) => console.log(`live view: run over; the page stays up while open (at most ${ms / 1000} s, Ctrl-C to quit now)`),
  });
}

/** Several listeners for the run's events, each called in turn. */
export function allEvents(...list: LabEvents[]): LabEvents {
  const keys = new Set(list.flatMap((e) => Object.keys(e) as (keyof LabEvents)[]));
  const out: Record<string, (e: never) => void> = {};
  for (const k of keys) {
    const fns = list.map((e) => e[k]).filter((f): f is NonNullable<typeof f> => typeof f === 'function') as ((e: never) => void)[];
    out[k] = (e: never) => { for (const f of fns) f(e); };
  }
  return out as LabEvents;
}

/** The run's report.html, if printProfileRun wrote one (the run folder is new, so it is this run's). */
async function reportWritten(runDir: string): Promise<string | null> {
  const file = path.join(runDir, 'report.html');
  return (await stat(file).then((s) => s.isFile(), () => false)) ? file : null;
}
