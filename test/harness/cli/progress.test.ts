import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../../harness/cli/progress.ts';
import type { IntervalRow } from '../../../harness/results/format.ts';

const noErrors = { refused: 0, reset: 0, timeout: 0, http: 0, other: 0 };
const row = (t: number, stage: number, users: number, rps: number, p95: number | null, errorsTotal = 0): IntervalRow => ({
  t, stage, users, requests: rps + errorsTotal, rps, errors: { ...noErrors, other: errorsTotal }, errorsTotal, dropped: 0,
  p50: p95, p90: p95, p95, p99: p95, max: p95,
} as IntervalRow);

/** Drive a reporter through one target of a 4-s, 2-stage profile; return everything it wrote. */
function run(isTTY: boolean): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => { text += d.toString(); });
  const p = progressReporter(out, isTTY);
  p.targetStart?.({ index: 0, count: 2, name: 'express-dev', concurrency: 1 });
  const rows = [row(0, 0, 2, 10, 40), row(1, 0, 2, 12, 60, 1), row(2, 1, 20, 18, 900), row(3, 1, 20, 16, 1200, 2)];
  for (const r of rows) p.interval?.({ name: 'express-dev', row: r, stageCount: 2, duration: 4 });
  p.targetEnd?.({ name: 'express-dev', state: 'failed', error: 'target express-dev died at 3.5 s (exit code 1)', stages: [] });
  return text;
}

describe('progress', () => {
  it('on a pipe: one plain line per stage (mean req/s, worst 1-s p95, errors), no control codes', () => {
    const text = run(false);
    expect(text).not.toMatch(/\x1b|\r/);
    expect(text.split('\n')).toEqual([
      '[1/2] express-dev (concurrency 1): starting',
      '  express-dev stage 1/2: 2 users, 11.0 req/s, worst 1-s p95 60 ms, 1 errors',
      '  express-dev stage 2/2: 20 users, 17.0 req/s, worst 1-s p95 1.2 s, 2 errors',
      '  express-dev: failed — target express-dev died at 3.5 s (exit code 1)',
      '',
    ]);
  });

  it('names a thread-per-connection server "no fixed bound", and a --url server\'s concurrency "unknown"', () => {
    let text = '';
    const out = new PassThrough();
    out.on('data', (d: Buffer) => { text += d.toString(); });
    const p = progressReporter(out, false);
    p.targetStart?.({ index: 0, count: 2, name: 'flask-dev', concurrency: 0 });
    p.targetStart?.({ index: 1, count: 2, name: 'http://127.0.0.1:1', concurrency: 0, external: true });
    expect(text).toBe('[1/2] flask-dev (concurrency no fixed bound): starting\n[2/2] http://127.0.0.1:1 (concurrency unknown): starting\n');
  });

  it('on a terminal: one line rewritten every second, cleared at the end', () => {
    const text = run(true);
    // Every update returns to the line start and clears it; none ends the line.
    const updates = text.split('\r\x1b[K').filter(Boolean);
    expect(updates[0]).toBe('[1/2] express-dev (concurrency 1): starting\n');
    expect(updates.slice(1, 5)).toEqual([
      '  express-dev  stage 1/2  users 2  req/s 10  p95 40 ms  errors 0  00:01/00:04',
      '  express-dev  stage 1/2  users 2  req/s 12  p95 60 ms  errors 1  00:02/00:04',
      '  express-dev  stage 2/2  users 20  req/s 18  p95 900 ms  errors 0  00:03/00:04',
      '  express-dev  stage 2/2  users 20  req/s 16  p95 1.2 s  errors 2  00:04/00:04',
    ]);
    expect(updates[5]).toBe('  express-dev: failed — target express-dev died at 3.5 s (exit code 1)\n');
    // No per-stage summary lines on a terminal: the live line already showed them.
    expect(text).not.toContain('worst 1-s p95');
  });

  it('says nothing at the end of a target that finished ok', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => { text += d.toString(); });
    progressReporter(out, false).targetEnd?.({ name: 'fastify', state: 'ok', error: null, stages: [] });
    expect(text).toBe('');
  });

  it('open model: names each second\'s and each stage\'s drops by cause, and no cause where none was recorded', () => {
    const drops = (r: IntervalRow, dropped: number, droppedLate?: number): IntervalRow => ({ ...r, dropped, ...(droppedLate === undefined ? {} : { droppedLate }) });
    const rows = [drops(row(0, 0, 50, 40, 30), 0, 0), drops(row(1, 0, 50, 30, 80), 12, 2), drops(row(2, 0, 50, 30, 90), 8, 5), drops(row(3, 1, 90, 30, 99), 4)];
    const write = (isTTY: boolean) => {
      let text = '';
      const out = new PassThrough();
      out.on('data', (d: Buffer) => { text += d.toString(); });
      const p = progressReporter(out, isTTY);
      for (const r of rows) p.interval?.({ name: 'fastify', row: r, stageCount: 2, duration: 4 });
      return text;
    };
    expect(write(false).split('\n')).toEqual([
      '  fastify stage 1/2: 50 users, 33.3 req/s, worst 1-s p95 90 ms, 0 errors, 20 dropped (13 in-flight cap full, 7 generator late)',
      '  fastify stage 2/2: 90 users, 30.0 req/s, worst 1-s p95 99 ms, 0 errors, 4 dropped',
      '',
    ]);
    const live = write(true).split('\r\x1b[K').filter(Boolean);
    expect(live.map((l) => l.match(/errors \d+(.*?)  \d\d:/)![1])).toEqual(['', '  dropped 12 (2 late)', '  dropped 8 (5 late)', '  dropped 4']);
  });
});
