import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedProfileSchema } from '../../../profiles/lib/define.ts';
import type { HistogramsFile, RunManifest } from '../../../harness/results/format.ts';
import { runLab } from '../../../harness/run/lab.ts';
import { loadRun } from '../../../harness/results/load.ts';
import { renderReport } from '../../../reports/render.ts';

const SERVICE_MS = 40;
const servers: Server[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A server in this process that answers every request after SERVICE_MS: a service time the lab cannot know. */
async function serve(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), SERVICE_MS);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function runAgainst(origin: string, warmupSeconds: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'loadlab-url-corr-'));
  dirs.push(dir);
  const profile = closedProfileSchema.parse({
    name: 'tiny', stages: [{ at: 0, users: 2, spawnRate: 10 }], duration: 2, warmupSeconds, wait: { kind: 'constant', seconds: 0.1 },
  });
  await runLab({
    targets: [{ url: origin, name: new URL(origin).host }], profile: { profile, file: 'inline', source: 'tiny' },
    work: 'block', seed: 1, runDir: dir, signal: AbortSignal.timeout(30_000),
  });
  return dir;
}

const read = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

describe('runLab --url: the correction\'s expected interval comes from what the lab measured', () => {
  it('uses the warm-up\'s mean latency, records it as such, and the report labels it', async () => {
    const dir = await runAgainst(await serve(), 1);
    const m = await read<RunManifest>(path.join(dir, 'manifest.json'));
    expect(m.serviceTime).toBeNull();
    expect(m.workModel).toBeNull();
    expect(m.capacityTheory?.meanServiceMs).toBeNull();
    const c = m.targets[0]!.correction!;
    expect(c.source).toBe('warm-up');
    // Measured, not the lab's 55 ms: at least the server's 40 ms, and far from a queue's worth (wide margin, shared cores).
    expect(c.serviceMs!).toBeGreaterThanOrEqual(SERVICE_MS * 0.95);
    expect(c.serviceMs!).toBeLessThan(SERVICE_MS * 5);
    expect(c.expectedIntervalMs!).toBeCloseTo(100 + c.serviceMs!, 2);
    const h = await read<HistogramsFile>(path.join(dir, m.targets[0]!.dir, 'histograms.json'));
    expect(h.runCorrected).not.toBeNull();
    const run = await loadRun(dir);
    expect(run.targets[0]!.correction).toEqual(c);
    expect(await renderReport(dir)).toContain('the mean latency the warm-up measured');
  });

  it('without a warm-up it knows nothing, so it records no corrected view and says why', async () => {
    const dir = await runAgainst(await serve(), 0);
    const m = await read<RunManifest>(path.join(dir, 'manifest.json'));
    expect(m.targets[0]!.correction).toEqual({ expectedIntervalMs: null, serviceMs: null, source: 'none' });
    const h = await read<HistogramsFile>(path.join(dir, m.targets[0]!.dir, 'histograms.json'));
    expect(h.runCorrected).toBeNull();
    expect(await renderReport(dir)).toContain('no corrected view was recorded');
  });
});
