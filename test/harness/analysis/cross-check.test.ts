import { describe, expect, it } from 'vitest';
import { crossChecks, diffPct, type CrossInput } from '../../../harness/analysis/cross-check.ts';
import type { StageStats } from '../../../harness/results/format.ts';

const stage = (index: number, users: number, rps: number, p50: number | null, p95: number, p99: number) =>
  ({ index, users, rps, p50, p95, p99 }) as StageStats;
const gen = (cpuPerRequestMs: number) => ({ saturated: false, reason: null, peakCpuPct: 10, peakEldP99Ms: null, cpuSeconds: 1, cpuPerRequestMs });

describe('crossChecks', () => {
  it('pairs X with X.locust stage by stage, Δ = (locust − lab) ÷ lab', () => {
    const targets: CrossInput[] = [
      { name: 'fastify', stages: [stage(0, 2, 10, 50, 90, 99)], generator: gen(0.02) },
      { name: 'worker-pool', driver: { engine: 'lab' }, stages: [stage(0, 2, 8, 55, 95, 100), stage(1, 8, 31, 60, 100, 120)], generator: gen(0.05) },
      { name: 'worker-pool.locust', driver: { engine: 'locust', workers: 2 }, stages: [stage(0, 2, 7.2, 56.1, 95, 110), stage(1, 8, 31, null, 120, 120)], generator: gen(0.8) },
    ];
    const [c, ...rest] = crossChecks(targets);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ name: 'worker-pool', locustName: 'worker-pool.locust', workers: 2 });
    expect(c!.stages[0]).toEqual({
      index: 0, users: 2, rps: { lab: 8, locust: 7.2, diffPct: -10 }, p50: { lab: 55, locust: 56.1, diffPct: 2 },
      p95: { lab: 95, locust: 95, diffPct: 0 }, p99: { lab: 100, locust: 110, diffPct: 10 },
    });
    expect(c!.stages[1]!.p50).toEqual({ lab: 60, locust: null, diffPct: null });
    expect(c!.stages[1]!.p95.diffPct).toBe(20);
    expect(c!.cpuPerRequestMs).toEqual({ lab: 0.05, locust: 0.8, diffPct: 1500 });
  });

  it('has nothing to show without both engines', () => {
    expect(crossChecks([{ name: 'a.locust', driver: { engine: 'locust', workers: 1 }, stages: [] }])).toEqual([]);
    expect(diffPct(0, 5)).toBeNull();
  });
});
