import type { Histogram } from 'hdr-histogram-js';
import { decodeHistogram, encodeHistogram, newLatencyHistogram } from './histogram.ts';
import { zeroErrors, type Recorder, type SecondPart, type ServedState } from './recorder.ts';
import { ERROR_KINDS } from '../results/format.ts';

/**
 * `--generators N`: each generator thread records into its own Recorder and posts each closed
 * second here; the lab's thread merges the N shares of a second into its own Recorder, which then
 * closes that second as if it had recorded every response itself (HDR histograms add exactly).
 */

/** A second as it crosses threads: histograms encoded (structured clone would lose their class). */
export type WireSecond = Omit<SecondPart, 'raw' | 'corrected' | 'sent'> & { raw: string; corrected: string | null; sent: string | null };
export type WireServed = { stages: (Omit<ServedState['stages'][number], 'order'> & { order: (Omit<NonNullable<ServedState['stages'][number]['order']>, 'overtaken' | 'inOrder' | 'first'> & { overtaken: string; inOrder: string; first: string }) | null })[] };

const enc = (h: Histogram | null) => (h ? encodeHistogram(h) : null);
const dec = (s: string | null) => (s === null ? null : decodeHistogram(s));

export function toWire(p: SecondPart): WireSecond {
  return { ...p, errors: { ...p.errors }, raw: encodeHistogram(p.raw), corrected: enc(p.corrected), sent: enc(p.sent) };
}

export function fromWire(w: WireSecond): SecondPart {
  return { ...w, raw: decodeHistogram(w.raw), corrected: dec(w.corrected), sent: dec(w.sent) };
}

export function servedToWire(s: ServedState): WireServed {
  return { stages: s.stages.map((x) => ({ ...x, order: x.order && { tally: { ...x.order.tally }, overtaken: encodeHistogram(x.order.overtaken), inOrder: encodeHistogram(x.order.inOrder), first: encodeHistogram(x.order.first) } })) };
}

export function servedFromWire(w: WireServed): ServedState {
  return { stages: w.stages.map((x) => ({ ...x, order: x.order && { tally: x.order.tally, overtaken: decodeHistogram(x.order.overtaken), inOrder: decodeHistogram(x.order.inOrder), first: decodeHistogram(x.order.first) } })) };
}

/**
 * The threads' shares of one second as one. Counts add; histograms add; closed model: users add
 * (each thread runs its own) and live users are the sum of each thread's mean; open model: each
 * thread reports the whole schedule's rate, so it is kept once.
 * `spend`: the parts are the caller's to use up (SecondsMerger's, decoded from the wire): the
 * first share's histogram takes the others' counts instead of a new sum (an add walks the whole
 * bucket array, 21,504 counts, however few values it holds), so N shares cost N − 1 adds, not N
 * and a new histogram. Without it the parts are left as they were.
 */
export function mergeSeconds(parts: readonly SecondPart[], model: 'closed' | 'open', spend = false): SecondPart {
  const hist = (pick: (p: SecondPart) => Histogram | null): Histogram | null => {
    const hs = parts.map(pick).filter((h): h is Histogram => h !== null);
    if (hs.length === 0) return null;
    const sum = spend ? hs.shift()! : newLatencyHistogram();
    for (const h of hs) sum.add(h);
    return sum;
  };
  const errors = zeroErrors();
  for (const p of parts) for (const k of ERROR_KINDS) errors[k] += p.errors[k];
  const add = (pick: (p: SecondPart) => number) => parts.reduce((n, p) => n + pick(p), 0);
  const live = parts.filter((p) => p.liveSamples > 0);
  return {
    t: parts[0]?.t ?? 0,
    users: model === 'closed' ? add((p) => p.users) : Math.max(0, ...parts.map((p) => p.users)),
    launched: add((p) => p.launched), inFlightArea: add((p) => p.inFlightArea),
    liveSum: live.reduce((n, p) => n + p.liveSum / p.liveSamples, 0), liveSamples: live.length ? 1 : 0,
    ok: add((p) => p.ok), errors, dropped: add((p) => p.dropped), droppedLate: add((p) => p.droppedLate),
    raw: hist((p) => p.raw) ?? newLatencyHistogram(), corrected: hist((p) => p.corrected), sent: hist((p) => p.sent),
  };
}

/**
 * Waits for every thread's share of a second, then hands the merged second to `recorder` and
 * closes it (the last second of the profile stays open: the recorder's finish() closes it).
 * A thread that has finished owes no more seconds.
 */
export class SecondsMerger {
  private readonly queues: SecondPart[][];
  private readonly done: boolean[];
  private next = 0;

  constructor(private readonly recorder: Recorder, threads: number, private readonly model: 'closed' | 'open') {
    this.queues = Array.from({ length: threads }, () => []);
    this.done = Array.from({ length: threads }, () => false);
  }

  add(thread: number, part: SecondPart): void {
    this.queues[thread]!.push(part);
    this.pump();
  }

  /** Thread `thread` sent its last second. */
  end(thread: number): void {
    this.done[thread] = true;
    this.pump();
  }

  private pump(): void {
    for (;;) {
      const ready = this.queues.every((q, i) => (q[0] !== undefined && q[0].t <= this.next) || (q.length === 0 && this.done[i]));
      if (!ready || this.queues.every((q) => q.length === 0)) return;
      const parts = this.queues.flatMap((q) => (q[0] && q[0].t <= this.next ? [q.shift()!] : []));
      // The parts left the queues and go nowhere else: merge them in place, then into the recorder.
      this.recorder.absorb({ ...mergeSeconds(parts, this.model, true), t: this.next });
      this.recorder.advance(this.next + 1);
      this.next++;
    }
  }
}
