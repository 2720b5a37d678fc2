import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../../reports/render.ts';
import { makeFixtureRun } from '../fixtures/run/make-fixture-run.ts';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = process.env.LOADLAB_SKIP_BROWSER === '1';

interface Visit {
  charts: { id: string; rendered: string | null; marks: number }[];
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  images: number;
}

async function visit(reportFile: string): Promise<Visit> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'loadlab-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const v: Visit = { charts: [], requests: [], consoleErrors: [], pageErrors: [], dialogs: [], images: 0 };
  try {
    ctx.on('request', (r) => v.requests.push(r.url()));
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error') v.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => v.pageErrors.push(e.message));
    page.on('dialog', (d) => { v.dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(pathToFileURL(reportFile).href);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-spec]')).every((el) => el.hasAttribute('data-rendered')), null, { timeout: 30_000 });
    // Hovering bars makes vega-tooltip show target names as tooltip HTML: it must stay text.
    for (const bar of (await page.$$('#chart-stage-p95 .mark-rect path, #chart-capacity .mark-rect path, #chart-spread .mark-symbol path')).slice(0, 12)) {
      await bar.hover({ timeout: 1000 }).catch(() => {});
    }
    v.charts = await page.$$eval('[data-spec]', (els) => els.map((el) => ({
      id: el.getAttribute('data-spec') ?? '',
      rendered: el.getAttribute('data-rendered'),
      marks: Array.from(el.querySelectorAll('svg g[class*="mark-"]')).filter((g) => g.children.length > 0).length,
    })));
    v.images = await page.$$eval('img', (els) => els.length);
  } finally {
    await ctx.close();
    await rm(profile, { recursive: true, force: true });
  }
  return v;
}

describe.skipIf(SKIP)('report in headless Chromium', () => {
  let root = '';
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: install it with \`apt-get install chromium\`, or set LOADLAB_SKIP_BROWSER=1 to skip the browser tests on purpose`);
    }
    root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-browser-'));
  });
  afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

  for (const model of ['closed', 'open'] as const) {
    it(`${model} model: every chart draws marks, nothing loads from the network, no script runs from data`, async () => {
      const runDir = await makeFixtureRun(path.join(root, model), { model, complete: model === 'closed' });
      const file = await writeReport(runDir);
      const v = await visit(file);
      expect(v.charts.length).toBeGreaterThanOrEqual(8);
      // Per-user dots exist only for the closed model (the open one has no users: the page says n/a).
      expect(v.charts.some((c) => c.id === 'chart-fairness-spec')).toBe(model === 'closed');
      for (const c of v.charts) {
        expect(c.rendered, c.id).toBe('ok');
        expect(c.marks, c.id).toBeGreaterThan(0);
      }
      expect(v.requests).toEqual([pathToFileURL(file).href]);
      expect(v.consoleErrors).toEqual([]);
      expect(v.pageErrors).toEqual([]);
      expect(v.dialogs).toEqual([]);
      expect(v.images).toBe(0);
    });
  }

  const variants = [
    { name: 'repeat + saturation', opts: { repeat: 3, generatorSaturated: true }, charts: ['chart-spread-spec', 'chart-saturation-spec', 'chart-stage-p95-spec'] },
    { name: 'capacity + knee (no profile)', opts: { modes: { capacity: true, knee: true } }, charts: ['chart-capacity-spec', 'chart-knee-search-spec'] },
  ] as const;
  for (const v of variants) {
    it(`${v.name}: every chart draws marks, nothing loads from the network, no console errors`, async () => {
      const runDir = await makeFixtureRun(path.join(root, v.name.replace(/\W+/g, '-')), v.opts);
      const file = await writeReport(runDir);
      const seen = await visit(file);
      expect(seen.charts.map((c) => c.id)).toEqual(expect.arrayContaining([...v.charts]));
      for (const c of seen.charts) {
        expect(c.rendered, c.id).toBe('ok');
        expect(c.marks, c.id).toBeGreaterThan(0);
      }
      expect(seen.requests).toEqual([pathToFileURL(file).href]);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.pageErrors).toEqual([]);
      expect(seen.dialogs).toEqual([]);
      expect(seen.images).toBe(0);
    });
  }

  it('is deterministic: the same folder renders to the same bytes', async () => {
    const runDir = await makeFixtureRun(path.join(root, 'twice'));
    const a = await renderReport(runDir);
    const written = await readFile(await writeReport(runDir), 'utf8');
    expect(await renderReport(runDir)).toBe(a);
    expect(written).toBe(a);
  });
});
