import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { InFlight, RequestTimeoutError } from './http.ts';

/**
 * Longest wait for responses still in flight once the profile is over. Each request also has
 * its own deadline (the profile's timeoutMs, up to 10 min); this bounds the whole run to its
 * duration plus this drain, whatever the timeout.
 */
export const MAX_DRAIN_MS = 10_000;

/** Cut requests whose loop did not notice within this long after the cut (it never should). */
const AFTER_CUT_MS = 1000;

/** What both drivers share: how a drive stops generating, drains, and is cut short. */
export interface DriveControl {
  /** Aborted when the drive must stop generating (its end, or an outside abort). */
  readonly halt: AbortSignal;
  /** True once the caller's signal aborted (Ctrl-C): failures from then on are ours, not the server's. */
  readonly interrupted: () => boolean;
  readonly inFlight: InFlight;
  /** Work (a user's loop, a request) to wait for at the end. */
  track(p: Promise<unknown>): void;
  /** Work counted instead of tracked by promise (the open driver's requests: no promise of their own). */
  begin(): void;
  end(): void;
  /** Tracked plus counted work still running. */
  readonly running: number;
  /**
   * Stop generating, let what is in flight finish for up to the drain limit, then fail what
   * is left as timeouts, so every drive ends within its duration plus a bounded drain.
   */
  finish(): Promise<void>;
}

export interface DriveControlOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** @default min(timeoutMs, MAX_DRAIN_MS) */
  drainMs?: number;
  /** On an outside abort, after in-flight requests are cut: close the connections. */
  onAbort?: () => void;
}

export function driveControl(o: DriveControlOptions): DriveControl {
  const halt = new AbortController();
  // Every sleeping user listens on `halt`: hundreds of listeners are expected, not a leak.
  setMaxListeners(0, halt.signal);
  const inFlight = new InFlight();
  const running = new Set<Promise<unknown>>();
  let counted = 0;
  let onZero: (() => void) | null = null;
  const countedDone = () => (counted === 0 ? Promise.resolve() : new Promise<void>((resolve) => { onZero = resolve; }));
  // An outside abort (Ctrl-C) drops in-flight requests at once; the normal end lets them finish.
  const onAbort = () => {
    halt.abort();
    inFlight.cut(new Error('interrupted by the lab'));
    o.onAbort?.();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  // An abort before we started (Ctrl-C during warm-up) fires no event.
  if (o.signal.aborted) onAbort();
  const drainMs = o.drainMs ?? Math.min(o.timeoutMs, MAX_DRAIN_MS);

  const settled = (withinMs: number) => {
    const all = Promise.all([...running, countedDone()]).then(() => true);
    const timer = new AbortController();
    return Promise.race([all, sleep(withinMs, false, { signal: timer.signal }).catch(() => false)]).finally(() => timer.abort());
  };

  return {
    halt: halt.signal,
    interrupted: () => o.signal.aborted,
    inFlight,
    get running() { return running.size + counted; },
    begin() { counted++; },
    end() {
      if (--counted > 0 || !onZero) return;
      const wake = onZero;
      onZero = null;
      wake();
    },
    track(p) {
      running.add(p);
      void p.finally(() => running.delete(p)).catch(() => {});
    },
    async finish() {
      halt.abort();
      try {
        if (await settled(drainMs)) return;
        inFlight.cut(new RequestTimeoutError(`still unanswered ${drainMs} ms after the profile ended (the drain limit)`));
        await settled(AFTER_CUT_MS);
      } finally {
        o.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
