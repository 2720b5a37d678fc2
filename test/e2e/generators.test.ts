import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, startLab, targetsLeftBehind, waitFor } from '../helpers/lab.ts';
import { decodeHistogram } from '../../harness/record/histogram.ts';
import { loadRun } from '../../harness/results/load.ts';
import type { FailuresFile, GeneratorThreadsFile, HistogramsFile, IntervalRow, RunManifest, StageStats } from '../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-e2e-generators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8')) as T;

/** Runs the real CLI on fastify-hello with 2 generator threads; the lab exits only once its threads are gone. */
async function run(name: string, profile: string, extra: string[] = [], during?: (lab: ReturnType<typeof startLab>, out: string) => Promise<void>) {
  const out = path.join(dir, name);
  const lab = startLab(['--profile', fixture(`profiles/${profile}`), '--targets', 'fastify-hello', '--generators', '2', '--out', out, ...extra]);
  await during?.(lab, out);
  const { code, left } = await targetsLeftBehind(lab);
  expect(left, 'target processes left running').toEqual([]);
  const t = path.join(out, 'fastify-hello');
  return { code, out, lab, rows: read<IntervalRow[]>(t, 'series.json'), stages: read<StageStats[]>(t, 'stages.json'), hist: read<HistogramsFile>(t, 'histograms.json'), threads: read<GeneratorThreadsFile>(t, 'generators.json'), manifest: read<RunManifest>(out, 'manifest.json') };
}

describe('--generators 2 against a real target (fastify-hello)', () => {
  it('closed: every response counted once across the threads, users shared out and fairness kept per global user; loads and renders', async () => {
    const r = await run('closed', 'tiny.ts');
    expect(r.code, r.lab.stderr()).toBe(0);
    const requests = r.rows.reduce((n, x) => n + x.requests, 0);
    expect(requests).toBeGreaterThan(50);
    expect(r.threads.threads.map((t) => t.requests).reduce((a, b) => a + b, 0)).toBe(requests);
    // Users 0 and 2 in thread 1, user 1 in thread 2: about twice the requests.
    expect(r.threads.threads[0]!.requests).toBeGreaterThan(r.threads.threads[1]!.requests);
    expect(r.threads.threads.every((t) => t.rows.length >= 2 && t.rows.every((x) => x.elu === null || (x.elu >= 0 && x.elu <= 1)))).toBe(true);
    // Responses answered after the profile's end keep their latency but not their throughput
    // (recorder.ok): at most one per user, each of the 3 having one request in flight at most.
    // A response merged twice across the threads would overshoot by far more.
    const drained = decodeHistogram(r.hist.run).totalCount - r.rows.reduce((n, x) => n + x.rps, 0);
    expect(drained).toBeGreaterThanOrEqual(0);
    expect(drained).toBeLessThanOrEqual(3);
    expect(r.stages[0]!.fairness!.perUser!.counts!).toHaveLength(3);
    expect(r.stages[0]!.fairness!.perUser!.counts!.every((c) => c > 0)).toBe(true);
    expect(r.manifest.driver).toBe('lab, 2 generator threads');
    expect(r.manifest.targets[0]!.generator).toMatchObject({ threads: 2 });
    const loaded = await loadRun(r.out);
    expect(loaded.targets[0]!.stages[0]!.requests).toBe(r.stages[0]!.requests);
    expect(readFileSync(path.join(r.out, 'report.html'), 'utf8')).toContain('fastify-hello');
  });

  it('open: the threads open their shares of the 16 connections before the clock, then together handle exactly the schedule\'s arrivals', async () => {
    const r = await run('open', 'open-tiny.ts');
    expect(r.code, r.lab.stderr()).toBe(0);
    const d = r.manifest.targets[0]!.openDrive!;
    expect(d.preconnected).toBe(16);
    expect(d.scheduled).toBe(900);
    expect(d.launched + d.dropped).toBe(900);
    expect(r.rows.reduce((n, x) => n + (x.launched ?? 0), 0)).toBe(d.launched);
    expect(r.rows.reduce((n, x) => n + x.requests, 0)).toBe(r.threads.threads.reduce((n, t) => n + t.requests, 0));
    expect(r.rows.map((x) => x.users)).toEqual([150, 150, 300, 300]);
  });

  it('a target that dies mid-run: its failure recorded from both threads, the lab moves on with nothing left running', async () => {
    const out = path.join(dir, 'dies');
    const lab = startLab(['--profile', fixture('profiles/tiny.ts'), '--targets', fixture('targets/dies-after.ts'), '--generators', '2', '--timeout-ms', '500', '--out', out]);
    const { left } = await targetsLeftBehind(lab);
    expect(left).toEqual([]);
    const f = read<FailuresFile>(out, 'dies-after', 'failures.json');
    expect(f.state, lab.stderr()).toBe('failed');
    expect(f.exitCode).toBe(3);
    expect(f.errors.refused + f.errors.reset).toBeGreaterThan(0);
    expect(f.errors.other).toBe(0);
  });

  it('Ctrl-C: threads and target stopped, the seconds so far kept', async () => {
    const r = await run('sigint', 'open-tiny.ts', [], async (lab) => {
      await waitFor(() => lab.stdout().includes('stage 1/2') || lab.stdout().includes('stage 2/2'), 20_000);
      lab.child.kill('SIGINT');
    });
    expect(r.code).toBe(130);
    expect(r.manifest.complete).toBe(false);
    expect(r.manifest.targets[0]!.state).toBe('interrupted');
    expect(r.rows.length).toBeGreaterThanOrEqual(1);
    expect(r.rows.length).toBeLessThanOrEqual(4);
  });
});
