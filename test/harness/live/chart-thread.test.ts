import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCharts } from '../../../harness/live/charts.ts';
import { startChartThread } from '../../../harness/live/chart-thread.ts';
import { liveMessageSchema, sseFrame, statusFrame, type StatusMessage } from '../../../harness/live/messages.ts';
import { loadRun } from '../../../harness/results/load.ts';
import { makeFixtureRun } from '../../fixtures/run/make-fixture-run.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'loadlab-chart-thread-'));
  dir = await makeFixtureRun(path.join(dir, 'run'), { model: 'closed', duration: 12 });
});
afterAll(() => rm(path.dirname(dir), { recursive: true, force: true }));

describe('the live chart thread', () => {
  it('builds in its own thread, from the events posted to it, the charts liveCharts builds on the run folder', async () => {
    const run = await loadRun(dir);
    const thread = startChartThread({ runDir: dir, profile: { name: 'p', model: 'closed', duration: 12, stageCount: 3 } });
    try {
      expect((await thread.build()).charts).toEqual([]); // nothing read yet: no charts
      // A target's start makes the thread read the run folder itself (here complete: drawn from its files).
      thread.events.targetStart!({ index: 0, count: run.targets.length, name: run.targets[0]!.entry.name, concurrency: 1 });
      const built = await thread.build();
      expect(built.ms).toBeGreaterThan(0);
      expect(built.charts.map((c) => c.id)).toEqual(liveCharts(run).map((c) => c.id));
      expect(built.charts.map((c) => JSON.parse(c.json) as unknown)).toEqual(JSON.parse(JSON.stringify(liveCharts(run))));
    } finally {
      await thread.close();
    }
    await expect(thread.build()).rejects.toThrow(/exited/);
  });

  it('a status frame with the charts as JSON is the frame sseFrame would write', () => {
    const m: StatusMessage = {
      type: 'status', runDir: '/r', profile: { name: 'p', model: 'open', duration: 10, stageCount: 1 },
      current: null, latest: null, saturation: null, done: [], charts: [{ id: 'a', title: 'A', caption: 'c', spec: { mark: 'line' } }],
    };
    const frame = statusFrame({ ...m, charts: [] }, JSON.stringify(m.charts));
    expect(frame).toBe(sseFrame(m));
    expect(liveMessageSchema.parse(JSON.parse(frame.split('data: ')[1]!))).toEqual(m);
  });
});
