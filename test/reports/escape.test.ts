import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INJECTED_DESCRIPTION, INJECTED_NAME, INJECTED_SAMPLE } from '../fixtures/run/synthetic-targets.ts';
import { escapeHtml, html, jsonForScript } from '../../reports/html.ts';
import { renderReport } from '../../reports/render.ts';
import { tempFixtureRun } from './helpers.ts';

describe('escaping helpers', () => {
  it('escapes markup and attribute quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html`<p>${'<b>'}</p>`.value).toBe('<p>&lt;b&gt;</p>');
  });

  it('JSON for a script block cannot close it and still parses back', () => {
    const value = { s: '</script><script>alert(1)</script> <!-- & \u2028\u2029' };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });
});

describe('the rendered report', () => {
  let page = '';
  /** The page minus the inlined library code (vega-tooltip's source legitimately contains "<img"). */
  let markup = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const f = await tempFixtureRun();
    cleanup = f.cleanup;
    page = await renderReport(f.runDir);
    markup = page.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
  });
  afterAll(() => cleanup());

  it('contains no injected markup, only its escaped form', () => {
    expect(markup.length).toBeLessThan(page.length / 2);
    expect(markup).not.toContain('<img');
    expect(markup).not.toContain('<b>not bold');
    expect(page).not.toMatch(/<script>alert/i);
    expect(page).not.toContain('</script><script>alert');
    expect(markup).toContain(escapeHtml(INJECTED_NAME));
    expect(markup).toContain(escapeHtml(INJECTED_DESCRIPTION));
    expect(markup).toContain(escapeHtml(INJECTED_SAMPLE));
  });

  it('has only our own script elements: three vega builds, the data blocks and the boot script', () => {
    const opens = [...page.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    const data = opens.filter((s) => /^<script type="application\/json" id="chart-[a-z0-9-]+-spec">$/.test(s));
    expect(opens.filter((s) => s === '<script>')).toHaveLength(4);
    expect(opens.length - 4).toBe(data.length);
    expect(data.length).toBeGreaterThanOrEqual(6);
  });

  it('every data block is inert JSON that round-trips the injected strings', () => {
    const blocks = [...page.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)];
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    let sawName = false;
    for (const [, id, body] of blocks) {
      expect(body, id).not.toMatch(/[<>\u2028\u2029]/);
      const text = JSON.stringify(JSON.parse(body!));
      if (text.includes(INJECTED_NAME.replace(/"/g, '\\"'))) sawName = true;
    }
    expect(sawName).toBe(true);
  });
});
