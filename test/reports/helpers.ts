import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeFixtureRun, type FixtureOptions } from '../fixtures/run/make-fixture-run.ts';

/** A fresh synthetic run folder in a temp dir; call the returned cleanup in afterAll. */
export async function tempFixtureRun(opts: FixtureOptions = {}): Promise<{ root: string; runDir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-report-'));
  const runDir = await makeFixtureRun(path.join(root, `run-${opts.model ?? 'closed'}`), opts);
  return { root, runDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}
