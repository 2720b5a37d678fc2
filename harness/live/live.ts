import { setTimeout as sleep } from 'node:timers/promises';
import type { LabEvents } from '../run/lab.ts';
import { loadRun } from '../results/load.ts';
import { ChartDelta } from './chart-delta.ts';
import { startChartThread } from './chart-thread.ts';
import { statusFrame } from './messages.ts';
import { startLiveServer } from './server.ts';
import { LiveState, type LiveProfile } from './state.ts';

/** After the run, a page still open keeps the server up this long at most (to follow its report link). */
export const LINGER_MS = 60_000;

export interface LiveOptions {
  runDir: string;
  profile: LiveProfile;
  port: number;
  /** The Stop button: what the first Ctrl-C does. */
  onStop(): void;
}

export interface Live {
  url: string;
  /** Add to the run's events. */
  events: LabEvents;
  /**
   * The run is over: tell the pages (with the report's place), then stop the server once no page
   * is open, after `lingerMs` at the latest, or at once when `signal` aborts (Ctrl-C).
   * `lingering` is called first if a page is open.
   */
  finish(o: { complete: boolean; reportFile: string | null; signal: AbortSignal; lingering?: (ms: number) => void; lingerMs?: number }): Promise<void>;
  close(): Promise<void>;
}

/** The live view of one profile run: its state, fed by the run's events, served on 127.0.0.1. */
export async function startLive(o: LiveOptions): Promise<Live> {
  // The figures and the done list are kept here (cheap); the charts in their own thread.
  const state = new LiveState(o.runDir, o.profile);
  const thread = startChartThread({ runDir: o.runDir, profile: o.profile });
  // Reads are chained, so an older read never lands after a newer one.
  let reading: Promise<void> = Promise.resolve();
  const reload = () => {
    const finished = state.finishedCount;
    reading = reading.then(() => loadRun(o.runDir).then((run) => state.setBase(run, finished), () => {}));
    return reading;
  };
  // Each page gets a chart again only once it changed: the figures come every second, the charts per build.
  const charts = new ChartDelta();
  const server = await startLiveServer({
    runDir: o.runDir, port: o.port, onStop: o.onStop,
    frame: (sent) => statusFrame(state.status({ charts: false }), charts.unsent(sent)),
    buildCharts: () => thread.build().then((r) => { if (charts.update(r.charts)) state.version++; return r.ms; }),
    version: () => state.version,
  });
  const close = async () => { await server.close(); await thread.close(); };
  return {
    url: server.url,
    events: both(state.events(() => void reload()), thread.events),
    async finish({ complete, reportFile, signal, lingering, lingerMs = LINGER_MS }) {
      thread.reload();
      await reload();
      await server.end({ type: 'end', complete, report: reportFile ? 'report.html' : null, reportFile, ...state.outcome() });
      if (server.clients > 0 && !signal.aborted) {
        lingering?.(lingerMs);
        const stop = new AbortController();
        const onAbort = () => stop.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        await Promise.race([server.idle(), sleep(lingerMs, undefined, { signal: stop.signal }).catch(() => {})]);
        stop.abort();
        signal.removeEventListener('abort', onAbort);
      }
      await close();
    },
    close,
  };
}

/** The four events the live view listens to, given to the state here and posted to the chart thread. */
function both(a: LabEvents, b: LabEvents): LabEvents {
  return {
    targetStart: (e) => { a.targetStart?.(e); b.targetStart?.(e); },
    interval: (e) => { a.interval?.(e); b.interval?.(e); },
    saturation: (e) => { a.saturation?.(e); b.saturation?.(e); },
    targetEnd: (e) => { a.targetEnd?.(e); b.targetEnd?.(e); },
  };
}
