import cluster, { type Worker } from 'node:cluster';
import type { EldStats } from './api.ts';

const QUERY = 'loadlab:eld-query';
const READ = 'loadlab:eld-read';
const STATS = 'loadlab:eld-stats';
const ANSWER = 'loadlab:eld-answer';
/** A blocked worker answers late; past this the others' figures go out without it. */
const GATHER_TIMEOUT_MS = 1000;

interface Msg { type: string; id: number; stats?: EldStats }
const isMsg = (m: unknown, type: string): m is Msg => typeof m === 'object' && m !== null && (m as Msg).type === type;
// With a callback a closed channel (a stopping cluster) is reported to it instead of crashing the process.
const ignore = () => {};
const toPrimary = (m: Msg) => process.send?.(m, undefined, undefined, ignore);
const toWorker = (w: Worker, m: Msg) => w.send(m, undefined, ignore);

/** The worst worker's figures: one stuck worker is what a saturation chart must show. */
export function combineEld(all: EldStats[]): EldStats {
  return {
    p50: Math.max(0, ...all.map((s) => s.p50)),
    p99: Math.max(0, ...all.map((s) => s.p99)),
    max: Math.max(0, ...all.map((s) => s.max)),
    samples: all.reduce((n, s) => n + s.samples, 0),
    processes: all.length,
  };
}

/**
 * Primary: when a worker is asked for the event-loop delay (the request lands on one worker
 * only), gather every live worker's figures over IPC and answer with the combination.
 */
export function answerEldQueries(): void {
  let round = 0;
  cluster.on('message', (from: Worker, m: unknown) => {
    if (!isMsg(m, QUERY)) return;
    const id = ++round;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
    const got: EldStats[] = [];
    const finish = () => {
      clearTimeout(timer);
      cluster.off('message', onStats);
      if (from.isConnected()) toWorker(from, { type: ANSWER, id: m.id, stats: combineEld(got) });
    };
    const onStats = (_w: Worker, s: unknown) => {
      if (!isMsg(s, STATS) || s.id !== id || !s.stats) return;
      got.push(s.stats);
      if (got.length === workers.length) finish();
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    cluster.on('message', onStats);
    for (const w of workers) toWorker(w, { type: READ, id });
  });
}

/** Worker: the `eld` option of createApi, so `/__loadlab/eld` speaks for the whole cluster. */
export function clusterEld(readLocal: () => EldStats): () => Promise<EldStats> {
  let next = 0;
  const waiting = new Map<number, (s: EldStats) => void>();
  process.on('message', (m: unknown) => {
    if (isMsg(m, READ)) toPrimary({ type: STATS, id: m.id, stats: readLocal() });
    else if (isMsg(m, ANSWER) && m.stats) waiting.get(m.id)?.(m.stats);
  });
  return () => new Promise((resolve) => {
    const id = ++next;
    const done = (s: EldStats) => { clearTimeout(timer); waiting.delete(id); resolve(s); };
    // Primary unresponsive: this worker's own figures beat none (`processes` says so).
    const timer = setTimeout(() => done({ ...readLocal(), processes: 1 }), GATHER_TIMEOUT_MS * 2);
    waiting.set(id, done);
    toPrimary({ type: QUERY, id });
  });
}
