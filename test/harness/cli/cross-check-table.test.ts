import { describe, expect, it } from 'vitest';
import { formatCrossChecks } from '../../../harness/cli/cross-check-table.ts';
import type { RunManifest, StageStats, TargetEntry } from '../../../harness/results/format.ts';

const entry = (name: string, engine: 'lab' | 'locust', cpuPerRequestMs: number): TargetEntry => ({
  name, description: '', concurrency: 4, size: 4, state: 'ok', error: null, dir: name,
  driver: engine === 'locust' ? { engine, workers: 2 } : { engine },
  generator: { saturated: false, reason: null, peakCpuPct: 5, peakEldP99Ms: null, cpuSeconds: 1, cpuPerRequestMs },
});
const stage = (rps: number, p50: number) => ({ index: 0, users: 5, rps, p50, p95: 100, p99: 120 }) as StageStats;

describe('formatCrossChecks', () => {
  it('prints each stage by both engines with Locust\'s Δ, and the CPU per request', () => {
    const manifest = { targets: [entry('worker-pool', 'lab', 1.02), entry('worker-pool.locust', 'locust', 2.07)] } as RunManifest;
    const text = formatCrossChecks(manifest, new Map([['worker-pool', [stage(50, 60)]], ['worker-pool.locust', [stage(48, 66)]]]));
    expect(text.split('\n')[0]).toBe('cross-check worker-pool: built-in driver vs Locust (2 workers); latencies in ms');
    expect(text).toMatch(/1\s+5\s+50\s+48\s+-4%\s+60\s+66\s+\+10%\s+100\s+100\s+0%\s+120\s+120\s+0%/);
    expect(text).toContain('CPU per request: lab 1.02 ms, Locust 2.07 ms (all workers)');
  });

  it('is empty for a run with one engine', () => {
    expect(formatCrossChecks({ targets: [entry('a', 'lab', 1)] } as RunManifest, new Map([['a', [stage(1, 1)]]]))).toBe('');
  });
});
