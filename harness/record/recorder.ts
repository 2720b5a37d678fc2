import * as hdr from 'hdr-histogram-js';
import { stageFairness, type StageFairness } from '../analysis/fairness.ts';
import { OrderTally, type WaitSummary } from '../analysis/order.ts';
import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, latencyStats, newLatencyHistogram, recordUs, recordUsWithExpectedInterval } from './histogram.ts';
import { ERROR_KINDS, type ErrorCounts, type ErrorKind, type HistogramsFile, type IntervalRow, type LatencyBasis, type StageStats } from '../results/format.ts';
import type { StageWindow } from '../analysis/schedule.ts';

const MAX_SAMPLES_PER_KIND = 5;

export const zeroErrors = (): ErrorCounts => ({ refused: 0, reset: 0, timeout: 0, http: 0, other: 0 });

function sumErrors(e: ErrorCounts): number {
  return ERROR_KINDS.reduce((n, k) => n + e[k], 0);
}

interface Interval {
  users: number;
  /** Open model: requests launched, and request-seconds spent in flight, in this second. */
  launched: number;
  inFlightArea: number;
  /** Closed model: sum and count of this second's live-user samples. */
  liveSum: number;
  liveSamples: number;
  ok: number;
  errors: ErrorCounts;
  dropped: number;
  /** Of `dropped`, arrivals the generator itself reached too late (its own lag, not the cap). */
  droppedLate: number;
  raw: Histogram;
  corrected: Histogram | null;
  sent: Histogram | null;
}

/** One closed second of one recorder, as `onSecond` hands it on and `absorb` takes it in (`--generators`). */
export interface SecondPart extends Omit<Interval, 'errors'> {
  t: number;
  errors: ErrorCounts;
}

/** A recorder's per-user counts and send-order tallies by stage (closed model), to merge into another. */
export interface ServedState {
  stages: { index: number; perUser: [user: number, count: number][]; order: { tally: Pick<OrderTally, 'requests' | 'overtaken' | 'inversions' | 'maxOvertakers'>; overtaken: Histogram; inOrder: Histogram; first: Histogram } | null }[];
}

/** A stage's send order against answer order: the tally and the waits of the overtaken, the in-turn and users' first requests. */
interface OrderAcc { tally: OrderTally; overtaken: Histogram; inOrder: Histogram; first: Histogram }
const newOrderAcc = (): OrderAcc => ({ tally: new OrderTally(), overtaken: newLatencyHistogram(), inOrder: newLatencyHistogram(), first: newLatencyHistogram() });

interface StageAcc {
  window: StageWindow;
  raw: Histogram;
  corrected: Histogram | null;
  sent: Histogram | null;
}

export interface RecorderOptions {
  windows: StageWindow[];
  /** Seconds the profile lasts: responses completing later are counted in its last second. */
  duration: number;
  /**
   * Keep a coordinated-omission-corrected view (HdrHistogram's recordValueWithExpectedInterval):
   * the interval at which a virtual user would have sent had the server kept up.
   */
  expectedIntervalUs: number | null;
  /**
   * What `ok()`'s latency is timed from. 'intended' (open model) also keeps the latency from
   * the actual send, passed as `ok()`'s third argument, as a second view.
   * @default 'sent'
   */
  latencyBasis?: LatencyBasis;
  /** Called as each second closes (live progress). */
  onInterval?: (row: IntervalRow) => void;
  /** Called with each second's counts and histograms just before they are folded and reset (a generator thread's share). */
  onSecond?: (part: SecondPart) => void;
}

export interface RecorderResult {
  rows: IntervalRow[];
  stages: StageStats[];
  histograms: HistogramsFile;
  hlog: string;
  errors: ErrorCounts;
  samples: Partial<Record<ErrorKind, string[]>>;
}

/**
 * Records one target's run in one-second intervals. Memory stays flat however long the run:
 * each second's histogram is folded into its stage and the whole run, logged, then reset.
 * Time is passed in (seconds since the profile started) so tests can drive it.
 */
export class Recorder {
  private readonly rows: IntervalRow[] = [];
  private readonly stages: StageAcc[];
  private readonly run = newLatencyHistogram();
  private readonly runCorrected: Histogram | null;
  private readonly runSent: Histogram | null;
  private readonly cur: Interval;
  private t = 0;
  private readonly errors = zeroErrors();
  private readonly samples: Partial<Record<ErrorKind, string[]>> = {};
  private readonly hlogLines: string[] = [];
  /** Stage index → responses per virtual user in its steady part (closed model; see served()). */
  private readonly perUser = new Map<number, Map<number, number>>();
  /** The stage served() last counted in, and its entries in perUser and order: one lookup per stage, not per response. */
  private lastServed: StageWindow | null = null;
  private lastCounts = new Map<number, number>();
  private lastOrder: OrderAcc | null = null;
  /** Stage index → send order against answer order in its steady part, and the waits of the overtaken and of the rest. */
  private readonly order = new Map<number, OrderAcc>();
  private readonly hlog = new hdr.HistogramLogWriter((s) => this.hlogLines.push(s));
  /** Open model: requests launched and not yet answered, and when that count last changed (s). */
  private inFlight = 0;
  private inFlightSince = 0;

  constructor(private readonly opts: RecorderOptions) {
    const corrected = opts.expectedIntervalUs !== null;
    const sent = opts.latencyBasis === 'intended';
    const maybe = (keep: boolean) => (keep ? newLatencyHistogram() : null);
    this.runCorrected = maybe(corrected);
    this.runSent = maybe(sent);
    this.stages = opts.windows.map((w) => ({ window: w, raw: newLatencyHistogram(), corrected: maybe(corrected), sent: maybe(sent) }));
    this.cur = { users: 0, launched: 0, inFlightArea: 0, liveSum: 0, liveSamples: 0, ok: 0, errors: zeroErrors(), dropped: 0, droppedLate: 0, raw: newLatencyHistogram(), corrected: maybe(corrected), sent: maybe(sent) };
    this.hlog.outputLogFormatVersion();
    this.hlog.outputComment('loadlab latency log: one interval per second, values in microseconds');
    this.hlog.outputLegend();
  }

  /**
   * A successful response completing at `nowS` that took `latencyUs` from the latency basis;
   * `sentLatencyUs` (open model) is the same response timed from its actual send.
   */
  ok(nowS: number, latencyUs: number, sentLatencyUs = latencyUs): void {
    this.advance(nowS);
    // A response that completes after the profile's end (the drain of queued requests) keeps its
    // latency, in the last second's histogram, but not its throughput: squeezed into that one
    // second, a queue's worth of completions would make a saturated server look faster.
    if (nowS < this.opts.duration) this.cur.ok++;
    this.settled(nowS);
    recordUs(this.cur.raw, latencyUs);
    if (this.cur.corrected && this.opts.expectedIntervalUs !== null) {
      recordUsWithExpectedInterval(this.cur.corrected, latencyUs, this.opts.expectedIntervalUs);
    }
    if (this.cur.sent) recordUs(this.cur.sent, sentLatencyUs);
  }

  /**
   * Closed model: virtual user `user` (0-based, in start order) got a successful response at
   * `nowS`; `order` says how many requests sent after it were answered first, and its latency.
   */
  served(nowS: number, user: number, order?: { overtakers: number; latencyUs: number; first?: boolean }): void {
    // Called once per response: the last stage found is almost always the one.
    const last = this.lastServed;
    if (!(last && nowS >= last.steadyFrom && nowS < last.end)) {
      const w = this.stages.find((s) => nowS >= s.window.steadyFrom && nowS < s.window.end)?.window;
      if (!w) return;
      this.lastServed = w;
      let counts = this.perUser.get(w.index);
      if (!counts) this.perUser.set(w.index, counts = new Map<number, number>());
      this.lastCounts = counts;
      this.lastOrder = this.order.get(w.index) ?? null;
    }
    this.lastCounts.set(user, (this.lastCounts.get(user) ?? 0) + 1);
    if (!order) return;
    let o = this.lastOrder;
    if (!o) {
      const index = this.lastServed!.index;
      o = this.order.get(index) ?? newOrderAcc();
      this.order.set(index, this.lastOrder = o);
    }
    o.tally.add(order.overtakers);
    recordUs(order.overtakers > 0 ? o.overtaken : o.inOrder, order.latencyUs);
    if (order.first) recordUs(o.first, order.latencyUs);
  }

  error(nowS: number, kind: ErrorKind, message: string): void {
    this.advance(nowS);
    this.settled(nowS);
    this.cur.errors[kind]++;
    this.errors[kind]++;
    const list = (this.samples[kind] ??= []);
    if (list.length < MAX_SAMPLES_PER_KIND && !list.includes(message)) list.push(message);
  }

  /**
   * Open model: `n` requests went out at `nowS`. With ok() and error() this keeps the time-averaged
   * count of requests in flight (IntervalRow.inFlight), counted by the driver rather than derived
   * from latencies, so Little's law can check one against the other (harness/analysis/validity.ts).
   */
  launched(nowS: number, n = 1): void {
    this.advance(nowS);
    this.integrateInFlight(nowS);
    this.inFlight += n;
    this.cur.launched += n;
  }

  private settled(nowS: number): void {
    if (this.opts.latencyBasis !== 'intended' || this.inFlight === 0) return;
    this.integrateInFlight(nowS);
    this.inFlight--;
  }

  /** Add the request-seconds in flight since the count last changed, up to `nowS` (within the current second). */
  private integrateInFlight(nowS: number): void {
    const until = Math.min(Math.max(nowS, this.inFlightSince), this.t + 1);
    this.cur.inFlightArea += this.inFlight * (until - this.inFlightSince);
    this.inFlightSince = until;
  }

  /**
   * Open model: `n` arrivals never sent, at `nowS`. `cause` 'late': the generator first reached
   * them too late (its own lag); 'cap': every in-flight slot stayed busy (the server's queue).
   */
  dropped(nowS: number, cause: 'cap' | 'late', n = 1): void {
    this.advance(nowS);
    this.cur.dropped += n;
    if (cause === 'late') this.cur.droppedLate += n;
  }

  /**
   * Users (closed model) or scheduled rate (open model) in effect now; the row keeps the last value.
   * `live` (closed model): user loops still running, including users told to stop that are finishing
   * their last request and think time; the row keeps the mean of the second's samples.
   */
  users(nowS: number, users: number, live?: number): void {
    this.advance(nowS);
    this.cur.users = users;
    if (live !== undefined) {
      this.cur.liveSum += live;
      this.cur.liveSamples++;
    }
  }

  /** Close every whole second before `nowS`; returns the rows closed by this call. */
  advance(nowS: number): IntervalRow[] {
    const target = Math.min(Math.floor(nowS), this.opts.duration - 1);
    const closed: IntervalRow[] = [];
    while (this.t < target) closed.push(this.closeInterval());
    return closed;
  }

  /**
   * Close the run. `untilS` ends it early (an interruption or a dead target): rows stop at the
   * last second reached instead of padding the rest of the profile with zeros that look measured.
   */
  finish(untilS = this.opts.duration): RecorderResult {
    const end = Math.max(0, Math.min(this.opts.duration, Math.ceil(untilS)));
    this.advance(end);
    while (this.rows.length < end) this.closeInterval();
    const stages = this.stages.map((s) => this.stageStats(s));
    return {
      rows: this.rows,
      stages,
      histograms: {
        unit: 'us',
        latencyBasis: this.opts.latencyBasis ?? 'sent',
        run: encodeHistogram(this.run),
        runCorrected: this.runCorrected ? encodeHistogram(this.runCorrected) : null,
        runSent: this.runSent ? encodeHistogram(this.runSent) : null,
        stages: this.stages.map((s) => ({
          index: s.window.index,
          raw: encodeHistogram(s.raw),
          corrected: s.corrected ? encodeHistogram(s.corrected) : null,
          sent: s.sent ? encodeHistogram(s.sent) : null,
        })),
      },
      hlog: this.hlogLines.join(''),
      errors: { ...this.errors },
      samples: this.samples,
    };
  }

  private closeInterval(): IntervalRow {
    const c = this.cur;
    const t = this.t;
    const stats = latencyStats(c.raw);
    const stage = this.stages.findLastIndex((s) => s.window.at <= t);
    if (this.opts.latencyBasis === 'intended') this.integrateInFlight(t + 1);
    const row: IntervalRow = {
      t,
      stage: Math.max(0, stage),
      users: c.users,
      requests: c.ok + sumErrors(c.errors),
      rps: c.ok,
      errors: { ...c.errors },
      errorsTotal: sumErrors(c.errors),
      dropped: c.dropped,
      ...(this.opts.latencyBasis === 'intended' ? { droppedLate: c.droppedLate } : {}),
      p50: stats.p50, p90: stats.p90, p95: stats.p95, p99: stats.p99, max: stats.max,
      ...(this.opts.latencyBasis === 'intended' ? { launched: c.launched, inFlight: Math.round(c.inFlightArea * 1000) / 1000 } : {}),
      ...(c.liveSamples ? { liveUsers: Math.round((c.liveSum / c.liveSamples) * 100) / 100 } : {}),
      mean: stats.mean,
      ...(c.sent ? { sentMean: latencyStats(c.sent).mean } : {}),
    };
    this.rows.push(row);
    this.opts.onInterval?.(row);
    this.opts.onSecond?.({ ...c, t, errors: { ...c.errors } });
    this.hlog.outputIntervalHistogram(c.raw, t, t + 1, 1000);
    this.run.add(c.raw);
    if (c.corrected) this.runCorrected?.add(c.corrected);
    if (c.sent) this.runSent?.add(c.sent);
    const acc = this.stages.find((s) => t >= s.window.steadyFrom && t < s.window.end);
    if (acc) {
      acc.raw.add(c.raw);
      if (c.corrected) acc.corrected?.add(c.corrected);
      if (c.sent) acc.sent?.add(c.sent);
    }
    c.raw.reset();
    c.corrected?.reset();
    c.sent?.reset();
    c.ok = 0;
    c.errors = zeroErrors();
    c.dropped = 0;
    c.droppedLate = 0;
    c.launched = 0;
    c.inFlightArea = 0;
    c.liveSum = 0;
    c.liveSamples = 0;
    this.t++;
    return row;
  }

  /**
   * `--generators`: add the merged share of second `part.t` of every generator thread to this
   * second, as if this recorder had recorded each of its responses (histograms add exactly).
   */
  absorb(part: SecondPart): void {
    this.advance(part.t);
    const c = this.cur;
    c.users = part.users;
    c.ok += part.ok;
    c.dropped += part.dropped;
    c.droppedLate += part.droppedLate;
    c.launched += part.launched;
    c.inFlightArea += part.inFlightArea;
    c.liveSum += part.liveSum;
    c.liveSamples += part.liveSamples;
    for (const k of ERROR_KINDS) {
      c.errors[k] += part.errors[k];
      this.errors[k] += part.errors[k];
    }
    c.raw.add(part.raw);
    if (part.corrected) c.corrected?.add(part.corrected);
    if (part.sent) c.sent?.add(part.sent);
  }

  /** `--generators`: a thread's error samples, kept up to the same limit per kind. */
  absorbSamples(samples: Partial<Record<ErrorKind, string[]>>): void {
    for (const [kind, messages] of Object.entries(samples) as [ErrorKind, string[]][]) {
      const list = (this.samples[kind] ??= []);
      for (const m of messages) if (list.length < MAX_SAMPLES_PER_KIND && !list.includes(m)) list.push(m);
    }
  }

  /** Closed model: per-user counts and send-order tallies by stage, for `absorbServed` elsewhere. */
  servedState(): ServedState {
    const indexes = [...new Set([...this.perUser.keys(), ...this.order.keys()])];
    return { stages: indexes.map((index) => ({ index, perUser: [...(this.perUser.get(index) ?? [])], order: this.order.get(index) ?? null })) };
  }

  /** Adds another recorder's servedState: counts per user add up; order tallies add (each thread's own send order). */
  absorbServed(state: ServedState): void {
    for (const s of state.stages) {
      const counts = this.perUser.get(s.index) ?? new Map<number, number>();
      for (const [user, n] of s.perUser) counts.set(user, (counts.get(user) ?? 0) + n);
      this.perUser.set(s.index, counts);
      if (!s.order) continue;
      let o = this.order.get(s.index);
      if (!o) this.order.set(s.index, o = newOrderAcc());
      o.tally.merge(s.order.tally);
      o.overtaken.add(s.order.overtaken);
      o.inOrder.add(s.order.inOrder);
      o.first.add(s.order.first);
    }
  }

  private stageStats(s: StageAcc): StageStats {
    const w = s.window;
    const rows = this.rows.filter((r) => r.t >= w.steadyFrom && r.t < w.end);
    const errors = zeroErrors();
    let ok = 0;
    let dropped = 0;
    for (const r of rows) {
      ok += r.rps;
      dropped += r.dropped;
      for (const k of ERROR_KINDS) errors[k] += r.errors[k];
    }
    const errorsTotal = sumErrors(errors);
    const requests = ok + errorsTotal;
    const seconds = Math.max(1, Math.min(w.end, this.rows.length) - w.steadyFrom);
    return {
      index: w.index,
      at: w.at,
      end: w.end,
      steadyFrom: w.steadyFrom,
      users: w.users,
      requests,
      rps: Math.round((ok / seconds) * 10) / 10,
      errors,
      errorsTotal,
      errorPct: requests === 0 ? 0 : Math.round((errorsTotal / requests) * 1000) / 10,
      dropped,
      ...latencyStats(s.raw),
      corrected: s.corrected ? latencyStats(s.corrected) : null,
      sent: s.sent ? latencyStats(s.sent) : null,
      ...(this.perUser.size ? { fairness: this.fairness(s) } : {}),
    };
  }

  /** The stage's users are 0 … users−1 (Locust-style: the last started stop first); one never served counts as 0. */
  private fairness(s: StageAcc): StageFairness {
    const counts = this.perUser.get(s.window.index);
    // A stage that lowers the user count stops users for a few seconds into its steady part: only the
    // users it keeps count (the ones stopping would sit near 0 and read as starved).
    const users = s.window.users;
    const lat = latencyStats(s.raw);
    const fair = stageFairness(Array.from({ length: users }, (_, u) => counts?.get(u) ?? 0), lat);
    const o = this.order.get(s.window.index);
    const wait = (h: Histogram): WaitSummary => {
      const l = latencyStats(h);
      return { count: l.count, meanMs: l.mean, p50Ms: l.p50, p99Ms: l.p99 };
    };
    const stats = o?.tally.stats(wait(o.overtaken), wait(o.inOrder));
    return o ? { ...fair, order: stats ? { ...stats, firstWait: wait(o.first) } : null } : fair;
  }
}
