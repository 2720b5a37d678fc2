import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, type SideTarget } from '../../harness/analysis/compare.ts';
import type { CompareFile } from '../../harness/results/format.ts';
import { compareHtml } from '../../reports/compare.ts';
import { vegaScripts } from '../../reports/assets.ts';
import { spectrum } from '../../reports/charts/spectrum-math.ts';
import { newLatencyHistogram, recordUs } from '../../harness/record/histogram.ts';

/** A spectrum of `n` latencies spread over [lo, hi] ms. */
function points(lo: number, hi: number, n = 500) {
  const h = newLatencyHistogram();
  for (let i = 0; i < n; i++) recordUs(h, (lo + ((hi - lo) * i) / n) * 1000);
  return spectrum(h);
}

const CHROMIUM = '/usr/bin/chromium';
const SKIP = process.env.LOADLAB_SKIP_BROWSER === '1' || !existsSync(CHROMIUM);
let dir = '';
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

const side = (name: string, p95: number[]): SideTarget => ({
  name, repeats: p95.length,
  stages: [0, 1].map((index) => ({ index, load: 8, values: { p50: p95, p95, p99: p95, rps: p95, errors: [0, 0, 0] } })),
});

describe.skipIf(SKIP)('compare.html in a browser', () => {
  it('draws every chart with no console error and no network request', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'loadlab-compare-html-'));
    const names = ['express-dev', '<b>x</b>'];
    const { targets } = compareRuns(names.map((n) => side(n, [90, 91, 92])), names.map((n) => side(n, [150, 151, 152])), 0.95);
    for (const t of targets) {
      t.spectra = [
        { side: 'base', stage: null, points: points(10, 100) }, { side: 'new', stage: null, points: points(20, 200) },
        ...[0, 1].flatMap((stage) => [{ side: 'base' as const, stage, points: points(10, 90) }, { side: 'new' as const, stage, points: points(15, 150) }]),
      ];
    }
    const f: CompareFile = {
      schemaVersion: 2, base: { dir: 'a', runId: 'a' }, new: { dir: 'b', runId: 'b' }, confidence: 0.95, test: 'mann-whitney-u',
      environment: [], onlyInBase: [], onlyInNew: [], targets, failOn: null, breaches: [],
    };
    const file = path.join(dir, 'compare.html');
    await writeFile(file, compareHtml(f, await vegaScripts()));
    const profile = path.join(dir, 'chromium');
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const requests: string[] = [];
    const errors: string[] = [];
    try {
      ctx.on('request', (r) => requests.push(r.url()));
      const page = await ctx.newPage();
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-spec]')).every((el) => el.hasAttribute('data-rendered')), null, { timeout: 30_000 });
      const charts = await page.$$eval('[data-spec]', (els) => els.map((el) => ({
        id: el.getAttribute('data-spec'), rendered: el.getAttribute('data-rendered'),
        points: el.querySelectorAll('g.mark-symbol.role-mark path').length, lines: el.querySelectorAll('g.mark-line.role-mark path').length,
      })));
      // Per target: p95 per stage (2 stages × 2 sides = 4 points), the knee (4 points on 2 lines),
      // the whole-run spectrum (2 lines) and the per-stage spectra (2 panels × 2 lines).
      expect(charts).toEqual([0, 1].flatMap((i) => [
        { id: `compare-p95-${i}-spec`, rendered: 'ok', points: 4, lines: 0 },
        { id: `compare-knee-${i}-spec`, rendered: 'ok', points: 4, lines: 2 },
        { id: `compare-spectrum-${i}-spec`, rendered: 'ok', points: 0, lines: 2 },
        { id: `compare-spectrum-stages-${i}-spec`, rendered: 'ok', points: 0, lines: 4 },
      ]));
    } finally {
      await ctx.close();
    }
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  }, 60_000);
});
