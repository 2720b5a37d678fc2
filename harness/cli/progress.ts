import type { LabEvents } from '../run/lab.ts';
import type { IntervalRow } from '../results/format.ts';
import { formatMs } from '../analysis/verdict.ts';
import { concurrencyText } from './table.ts';

const clock = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

interface StageAcc { stage: number; users: number; ok: number; seconds: number; errors: number; worstP95: number | null; dropped: number; late: number | null }

/** Open model: a second's or a stage's drops by cause ('' when none); `late` null: the cause was not recorded. */
export function dropsText(dropped: number, late: number | null, short: boolean): string {
  if (!(dropped > 0)) return '';
  if (late === null) return short ? `  dropped ${dropped}` : `, ${dropped} dropped`;
  return short ? `  dropped ${dropped} (${late} late)` : `, ${dropped} dropped (${dropped - late} in-flight cap full, ${late} generator late)`;
}

/**
 * Live progress. On a terminal: one line rewritten every second (target, stage, users,
 * req/s, p95, errors, open model's drops and how many the generator reached late, elapsed/total).
 * Elsewhere (CI, a pipe): one plain line per stage.
 */
export function progressReporter(out: NodeJS.WriteStream | NodeJS.WritableStream, isTTY: boolean): LabEvents {
  let acc: StageAcc | null = null;
  const flushStage = (name: string, stageCount: number) => {
    if (!acc || isTTY) return;
    out.write(`  ${name} stage ${acc.stage + 1}/${stageCount}: ${acc.users} users, ${(acc.ok / Math.max(1, acc.seconds)).toFixed(1)} req/s, worst 1-s p95 ${formatMs(acc.worstP95)}, ${acc.errors} errors${dropsText(acc.dropped, acc.late, false)}\n`);
  };
  return {
    targetStart({ index, count, name, concurrency, external, repeat, repeats }) {
      acc = null;
      const rep = repeat !== undefined ? `, repeat ${repeat}/${repeats ?? '?'}` : '';
      out.write(`${isTTY ? '\r\x1b[K' : ''}[${index + 1}/${count}] ${name} (concurrency ${concurrencyText(concurrency, external)}${rep}): starting\n`);
    },
    interval({ name, row, stageCount, duration }: { name: string; row: IntervalRow; stageCount: number; duration: number }) {
      if (isTTY) {
        out.write(`\r\x1b[K  ${name}  stage ${row.stage + 1}/${stageCount}  users ${row.users}  req/s ${row.rps}  p95 ${formatMs(row.p95)}  errors ${row.errorsTotal}${dropsText(row.dropped, row.droppedLate ?? null, true)}  ${clock(row.t + 1)}/${clock(duration)}`);
        return;
      }
      if (acc && acc.stage !== row.stage) flushStage(name, stageCount);
      if (!acc || acc.stage !== row.stage) acc = { stage: row.stage, users: row.users, ok: 0, seconds: 0, errors: 0, worstP95: null, dropped: 0, late: 0 };
      acc.users = row.users;
      acc.ok += row.rps;
      acc.seconds++;
      acc.errors += row.errorsTotal;
      acc.dropped += row.dropped;
      if (row.dropped > 0) acc.late = acc.late === null || row.droppedLate === undefined ? null : acc.late + row.droppedLate;
      if (row.p95 !== null) acc.worstP95 = Math.max(acc.worstP95 ?? 0, row.p95);
      if (row.t + 1 >= Math.ceil(duration)) flushStage(name, stageCount);
    },
    targetEnd({ name, state, error }) {
      if (isTTY) out.write('\r\x1b[K');
      if (state !== 'ok') out.write(`  ${name}: ${state}${error ? ` — ${error}` : ''}\n`);
    },
  };
}
