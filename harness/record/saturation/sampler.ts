import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic, writeJsonAtomic } from '../../results/atomic.ts';
import type { SaturationRow } from '../../results/format.ts';
import { round1, round2, saturationCsv, treeCpuPct, type CpuReading } from './compute.ts';
import { eldPoller } from './eld-poll.ts';
import { selfProbe } from './generator.ts';
import { readTree } from './tree.ts';

const MB = 1024 * 1024;
const mb = (bytes: number) => round1(bytes / MB);

export interface SaturationOptions {
  /** Leader of the target's process tree. */
  pid: number;
  /** Target origin, for its event-loop-delay admin path. */
  origin: string;
  /** Date.now() when the profile started: row t covers [startedAt + t s, startedAt + t + 1 s). */
  startedAt: number;
  /** Poll the target's event-loop delay (a Node target's admin path); other runtimes have none. @default true */
  eld?: boolean;
  /** Each row as it is sampled (a live view). */
  onRow?: (row: SaturationRow) => void;
}

export interface SaturationSampler {
  /** Every pid seen in the target's tree so far. */
  readonly pidsSeen: ReadonlySet<number>;
  /** Stop sampling (call before stopping the target) and hand back the rows. */
  stop(): Promise<SaturationRow[]>;
}

/**
 * Once a second, read the target's whole process tree, its event-loop delay and the generator's
 * own load. Best effort throughout: a reading that fails leaves nulls in its row.
 */
export function startSaturation(o: SaturationOptions): SaturationSampler {
  const rows: SaturationRow[] = [];
  const pidsSeen = new Set<number>();
  const self = selfProbe();
  const eld = o.eld === false ? null : eldPoller(o.origin);
  const halt = new AbortController();
  let prevCpu = new Map<number, CpuReading>();

  // Throws away what the target's histogram gathered during start-up and warm-up.
  eld?.poll(() => {});
  const baseline = readTree(o.pid).then((r) => { prevCpu = r.cpu; }, () => {});

  const sample = async (t: number): Promise<SaturationRow> => {
    const gen = self.read();
    const row: SaturationRow = {
      t, cpuPct: null, rssMb: null, eldP99Ms: null,
      genCpuPct: round1(gen.cpuPct), genRssMb: gen.rssBytes === null ? null : mb(gen.rssBytes), genEldP99Ms: round2(gen.eldP99Ms),
    };
    eld?.poll((p99) => { row.eldP99Ms = round2(p99); });
    try {
      const tree = await readTree(o.pid);
      for (const p of tree.pids) pidsSeen.add(p);
      row.cpuPct = round1(treeCpuPct(prevCpu, tree.cpu));
      row.rssMb = mb(tree.rssBytes);
      prevCpu = tree.cpu;
    } catch { /* the target is gone or unreadable: nulls this second */ }
    return row;
  };

  const loop = (async () => {
    await baseline;
    for (let k = 1; !halt.signal.aborted;) {
      await sleep(Math.max(0, o.startedAt + k * 1000 - Date.now()), undefined, { signal: halt.signal }).catch(() => {});
      if (halt.signal.aborted) break;
      const row = await sample(k - 1);
      rows.push(row);
      o.onRow?.(row);
      // Fell behind (a stalled generator): skip the missed seconds; the next row's CPU still averages over its real span.
      k = Math.max(k + 1, Math.floor((Date.now() - o.startedAt) / 1000));
    }
  })();

  let stopped: Promise<SaturationRow[]> | undefined;
  return {
    pidsSeen,
    stop: () => (stopped ??= (async () => {
      halt.abort();
      await loop;
      self.close();
      await eld?.close();
      return rows;
    })()),
  };
}

export async function writeSaturation(dir: string, rows: SaturationRow[]): Promise<void> {
  await writeJsonAtomic(path.join(dir, 'saturation.json'), rows);
  await writeFileAtomic(path.join(dir, 'saturation.csv'), saturationCsv(rows));
}
