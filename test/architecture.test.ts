import { describe, expect, it } from 'vitest';
import { checkRules, scanRepo, scanSource, type ImportEdge } from './helpers/import-rules.ts';
import { ROOT } from './helpers/lab.ts';

/**
 * Violations being fixed in another part of the same issue: each names the import that breaks
 * the rule and why it is still there. The test below fails once the import is gone, so an entry
 * cannot outlive its reason.
 */
const PENDING: { link: string; why: string }[] = [];

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });
const rulesBroken = (imports: ImportEdge[], prints: Parameters<typeof checkRules>[1] = []) => checkRules(imports, prints).map((v) => v.rule);

describe('the import rules (docs/architecture.md) hold in the repository', () => {
  const repo = scanRepo(ROOT);

  it('reads the whole tree', () => {
    // A scanner that found nothing would pass every rule: make sure it sees the real imports.
    expect(repo.files.length).toBeGreaterThan(150);
    expect(repo.imports).toContainEqual(edge('reports/render.ts', 'harness/results/load.ts'));
    expect(repo.prints.some((p) => p.file === 'harness/cli/main.ts')).toBe(true);
  });

  it('has no violation', () => {
    const v = checkRules(repo.imports, repo.prints).filter((x) => !PENDING.some((p) => x.detail.includes(p.link)));
    expect(v.map((x) => `${x.rule}: ${x.file} ${x.detail}`)).toEqual([]);
  });

  it.each(PENDING)('the known exception "$link" is still needed (delete it from PENDING once fixed)', ({ link }) => {
    expect(checkRules(repo.imports, repo.prints).some((x) => x.detail.includes(link))).toBe(true);
  });

  it('every relative import names a file that exists', () => {
    const files = new Set(repo.files);
    const missing = repo.imports.filter((e) => e.to.endsWith('.ts') && !files.has(e.to));
    expect(missing).toEqual([]);
  });
});

describe('the checker catches each kind of violation (known-bad imports)', () => {
  it.each<[string, ImportEdge[], string]>([
    ['a target importing the harness', [edge('targets/lib/api.ts', 'harness/errors.ts')], 'targets/ imports nothing from harness/'],
    ['a target importing the harness, types only', [edge('targets/x.ts', 'harness/results/format.ts', true)], 'targets/ imports nothing from harness/'],
    ['a profile importing the harness', [edge('profiles/launch.ts', 'harness/analysis/schedule.ts')], 'profiles/ imports nothing from harness/'],
    ['a report importing a driver', [edge('reports/render.ts', 'harness/drive/open.ts')], 'reports/ imports from harness/ only results/ and analysis/'],
    ['a report importing targets/', [edge('reports/headline.ts', 'targets/lib/prng.ts')], 'reports/ never imports targets/ or profiles/'],
    ['a report reaching targets/ through results/',
      [edge('reports/render.ts', 'harness/results/load.ts'), edge('harness/results/load.ts', 'harness/input/discover.ts'), edge('harness/input/discover.ts', 'targets/lib/define.ts')],
      'reports/ reaches no targets/, profiles/ or running step, even indirectly'],
    ['pure maths reading files', [edge('harness/analysis/verdict.ts', 'node:fs')], 'harness/analysis/ does no I/O and runs nothing'],
    ['pure maths reading files without the node: prefix', [edge('harness/analysis/verdict.ts', 'fs/promises')], 'harness/analysis/ does no I/O and runs nothing'],
    ['pure maths spawning, two imports deep', [edge('harness/analysis/spread.ts', 'harness/results/x.ts'), edge('harness/results/x.ts', 'node:child_process')], 'harness/analysis/ does no I/O and runs nothing'],
    ['pure maths importing the driver', [edge('harness/analysis/schedule.ts', 'harness/drive/http.ts')], 'harness/analysis/ does no I/O and runs nothing'],
    ['the run-folder reader importing a report module', [edge('harness/results/load.ts', 'reports/errors.ts')], 'harness/ (except cli/) imports nothing from reports/'],
    ['the live view importing the report page (it may draw charts, not render reports)', [edge('harness/live/server.ts', 'reports/render.ts')], 'harness/ (except cli/) imports nothing from reports/'],
    ['a report reaching the live view', [edge('reports/render.ts', 'harness/results/load.ts'), edge('harness/results/load.ts', 'harness/live/state.ts')], 'reports/ reaches no targets/, profiles/ or running step, even indirectly'],
    ['the lab importing a test helper', [edge('harness/run/lab.ts', 'test/helpers/lab.ts')], 'the lab itself imports nothing from test/'],
    ['a report importing a test fixture', [edge('reports/render.ts', 'test/fixtures/run/make-fixture-run.ts')], 'the lab itself imports nothing from test/'],
  ])('%s', (_label, imports, rule) => {
    expect(rulesBroken(imports)).toContain(rule);
  });

  it('a type-only chain does not count as reaching (it is gone at run time)', () => {
    expect(rulesBroken([edge('reports/render.ts', 'harness/results/write.ts'), edge('harness/results/write.ts', 'harness/record/recorder.ts', true)])).toEqual([]);
  });

  it('allowed imports pass', () => {
    expect(rulesBroken([
      edge('reports/render.ts', 'harness/results/load.ts'),
      edge('reports/headline.ts', 'harness/analysis/capacity-theory.ts'),
      edge('harness/run/lab.ts', 'targets/lib/define.ts'),
      edge('harness/analysis/schedule.ts', 'profiles/lib/define.ts', true),
      edge('test/x.test.ts', 'test/helpers/lab.ts'),
      edge('bench/soak.ts', 'test/helpers/process-tree.ts'),
      edge('harness/live/charts.ts', 'reports/charts/latency.ts'),
      edge('harness/live/server.ts', 'reports/assets.ts'),
    ])).toEqual([]);
  });

  it('printing outside harness/cli/ is a violation, found in the syntax tree, not in strings', () => {
    const src = [
      "const page = 'console.log(1)'; // console.error in a comment",
      'export function f() {',
      '  console.warn("x");',
      "  process.stderr.write('y');",
      '}',
    ].join('\n');
    const { prints } = scanSource('harness/drive/x.ts', src);
    expect(prints.map((p) => `${p.text}:${p.line}`)).toEqual(['console.warn:3', 'process.stderr.write:4']);
    expect(rulesBroken([], prints)).toEqual(['only harness/cli/ (and reports/cli.ts) prints to the terminal', 'only harness/cli/ (and reports/cli.ts) prints to the terminal']);
    expect(rulesBroken([], scanSource('harness/cli/main.ts', src).prints)).toEqual([]);
  });

  it('reads every import form: type-only, re-export, side effect, dynamic', () => {
    const src = [
      "import type { A } from '../results/format.ts';",
      "import { type B, c } from './c.ts';",
      "import { type D } from './d.ts';",
      "export { e } from '../e.ts';",
      "export type { F } from './f.ts';",
      "import './side.ts';",
      "const m = await import('node:fs');",
    ].join('\n');
    expect(scanSource('harness/drive/x.ts', src).imports).toEqual([
      edge('harness/drive/x.ts', 'harness/results/format.ts', true),
      edge('harness/drive/x.ts', 'harness/drive/c.ts'),
      edge('harness/drive/x.ts', 'harness/drive/d.ts', true),
      edge('harness/drive/x.ts', 'harness/e.ts'),
      edge('harness/drive/x.ts', 'harness/drive/f.ts', true),
      edge('harness/drive/x.ts', 'harness/drive/side.ts'),
      edge('harness/drive/x.ts', 'node:fs'),
    ]);
  });
});
