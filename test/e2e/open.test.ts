import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, startLab, targetsLeftBehind } from '../helpers/lab.ts';
import type { IntervalRow, RunManifest } from '../../harness/results/format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-e2e-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = <T>(...p: string[]) => JSON.parse(readFileSync(path.join(...p), 'utf8')) as T;

describe('an open-model profile through the real CLI (fastify-hello, one generator)', () => {
  it('opens its maxInFlight connections before the clock, then follows the schedule exactly', async () => {
    const out = path.join(dir, 'open');
    const lab = startLab(['--profile', fixture('profiles/open-tiny.ts'), '--targets', 'fastify-hello', '--out', out]);
    const { code, left } = await targetsLeftBehind(lab);
    expect(left, 'target processes left running').toEqual([]);
    expect(code, lab.stderr()).toBe(0);
    const d = read<RunManifest>(out, 'manifest.json').targets[0]!.openDrive!;
    // open-tiny: maxInFlight 16; each confirmed by one answer before the first arrival.
    expect(d.preconnected).toBe(16);
    expect(d.scheduled).toBe(900);
    expect(d.launched + d.dropped).toBe(900);
    const rows = read<IntervalRow[]>(out, 'fastify-hello', 'series.json');
    expect(rows.reduce((n, r) => n + (r.launched ?? 0), 0)).toBe(d.launched);
  });
});
