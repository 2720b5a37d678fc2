import { describe, expect, it } from 'vitest';
import { compile } from 'vega-lite';
import { compareRuns, type SideTarget } from '../../harness/analysis/compare.ts';
import type { CompareFile } from '../../harness/results/format.ts';
import { compareHtml, compareP95Spec } from '../../reports/compare.ts';

const side = (name: string, p95: number[]): SideTarget => ({
  name, repeats: p95.length,
  stages: [0, 1].map((index) => ({ index, load: 8, values: { p50: p95, p95: p95.map((v) => v * (index + 1)), p99: p95, rps: p95, errors: [0, 0, 0, 0, 0] } })),
});

function file(name = 'express-dev'): CompareFile {
  const { targets, onlyInBase, onlyInNew } = compareRuns([side(name, [90, 91, 92, 93, 94])], [side(name, [150, 151, 152, 153, 154])], 0.95);
  return {
    schemaVersion: 2, base: { dir: 'a', runId: 'run-a' }, new: { dir: 'b', runId: 'run-b' }, confidence: 0.95, test: 'mann-whitney-u',
    environment: [{ field: 'work', base: 'sleep', new: 'block' }], onlyInBase, onlyInNew, targets, failOn: 'p95:+10%', breaches: [],
  };
}

describe('compare.html', () => {
  it('overlays base and new p95 per stage in a spec vega-lite compiles, with min–max ranges', () => {
    const spec = compareP95Spec(file().targets[0]!, 'base', 'new')!;
    expect(() => compile(spec as never)).not.toThrow();
    const values = (spec.data as { values: { side: string; stage: string; median: number; min: number; max: number }[] }).values;
    expect(values).toContainEqual(expect.objectContaining({ side: 'new', stage: 'stage 2', median: 304, min: 300, max: 308 }));
    expect(values.filter((v) => v.side === 'base')).toHaveLength(2);
  });

  it('is one self-contained page: verdicts, the environment warning, nothing fetched, names escaped', () => {
    const page = compareHtml(file('<img src=x onerror=alert(1)>'), ['/* vega */']);
    expect(page).toMatch(/<td class="bad">worse<\/td>/);
    expect(page).toMatch(/work: sleep → block/);
    expect(page).not.toMatch(/<img src=x/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/(src|href)="https?:/);
  });
});
