import { ERROR_KINDS, type ErrorKind } from '../../results/format.ts';

/** First line of every worker's request log; the generated locustfile writes it, the parser checks it. */
export const REQUEST_LOG_HEADER = '# loadlab locust request log v1: start_us,intended_us,latency_us,kind,message | cpu,at_us,cpu_us';

/** One request as a worker logged it: epoch microseconds, its latency in µs, `ok` or an error kind. */
export interface LoggedRequest {
  startUs: number;
  intendedUs: number;
  latencyUs: number;
  kind: 'ok' | ErrorKind;
  message: string;
}

/** A worker's cumulative CPU time (user + system, µs) read at epoch µs `atUs`. */
export interface CpuSample { atUs: number; cpuUs: number }

export interface WorkerLog {
  /** The log's file name (requests-<host>-<pid>.log). */
  name: string;
  requests: LoggedRequest[];
  cpu: CpuSample[];
  /** Lines that could not be read (a line cut by a kill mid-write); counted, not fatal. */
  badLines: number;
}

const KINDS = new Set<string>(['ok', ...ERROR_KINDS]);

/** Parse one worker's log; pure, so the merge is tested against literal text. */
export function parseRequestLog(name: string, text: string): WorkerLog {
  const log: WorkerLog = { name, requests: [], cpu: [], badLines: 0 };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(',');
    if (f[0] === 'cpu') {
      const atUs = Number(f[1]);
      const cpuUs = Number(f[2]);
      if (f.length === 3 && Number.isFinite(atUs) && Number.isFinite(cpuUs)) log.cpu.push({ atUs, cpuUs });
      else log.badLines++;
      continue;
    }
    const [start, intended, latency, kind, ...message] = f;
    const req = { startUs: Number(start), intendedUs: Number(intended), latencyUs: Number(latency), kind: kind ?? '', message: message.join(',') };
    if (!KINDS.has(req.kind) || ![req.startUs, req.intendedUs, req.latencyUs].every((n) => Number.isSafeInteger(n)) || req.latencyUs < 0) {
      log.badLines++;
      continue;
    }
    log.requests.push(req as LoggedRequest);
  }
  return log;
}
