import { crossChecks, type CrossCell } from '../analysis/cross-check.ts';
import type { RunManifest, StageStats } from '../results/format.ts';
import { alignColumns } from './table.ts';

const num = (v: number | null) => (v === null ? '–' : String(v));
const pct = (c: CrossCell) => (c.diffPct === null ? '–' : `${c.diffPct > 0 ? '+' : ''}${c.diffPct}%`);
const trio = (c: CrossCell) => [num(c.lab), num(c.locust), pct(c)];

/** `--driver lab,locust`: per target, each stage's req/s and p50/p95/p99 by both engines, and Locust's Δ. Empty without both. */
export function formatCrossChecks(manifest: RunManifest, stages: Map<string, StageStats[] | Error>): string {
  const checks = crossChecks(manifest.targets.map((t) => {
    const s = stages.get(t.name);
    return { name: t.name, stages: Array.isArray(s) ? s : [], ...(t.driver ? { driver: t.driver } : {}), ...(t.generator ? { generator: t.generator } : {}) };
  }));
  return checks.map((c) => {
    const head = ['stage', 'users', 'req/s lab', 'locust', 'Δ', 'p50 lab', 'locust', 'Δ', 'p95 lab', 'locust', 'Δ', 'p99 lab', 'locust', 'Δ'];
    const rows = c.stages.map((s) => [String(s.index + 1), String(s.users), ...trio(s.rps), ...trio(s.p50), ...trio(s.p95), ...trio(s.p99)]);
    const cpu = c.cpuPerRequestMs;
    return `cross-check ${c.name}: built-in driver vs Locust (${c.workers} worker${c.workers === 1 ? '' : 's'}); latencies in ms\n${alignColumns([head, ...rows]).replace(/^/gm, '  ')}\n  CPU per request: lab ${num(cpu.lab)} ms, Locust ${num(cpu.locust)} ms (all workers)`;
  }).join('\n\n');
}
