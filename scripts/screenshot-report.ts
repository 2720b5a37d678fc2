/**
 * `tsx scripts/screenshot-report.ts RUN_DIR OUT.png [HEIGHT]`: screenshot of RUN_DIR/report.html,
 * the full page, or its top HEIGHT pixels (the README's picture: headline and first charts).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openChromium } from './chromium.ts';


async function main([runDir, out, height]: string[]): Promise<void> {
  if (!runDir || !out) throw new Error('usage: tsx scripts/screenshot-report.ts RUN_DIR OUT.png [HEIGHT]');
  const clipHeight = height === undefined ? null : Number(height);
  if (clipHeight !== null && !(Number.isInteger(clipHeight) && clipHeight > 0)) throw new Error(`HEIGHT must be a whole number of pixels, got "${height}"`);
  const report = path.resolve(runDir, 'report.html');
  await stat(report).catch(() => { throw new Error(`${report} not found: build it with npm run report -- ${runDir}`); });
  const { ctx, close } = await openChromium();
  try {
    const page = await ctx.newPage();
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-spec]')).every((el) => el.hasAttribute('data-rendered')), null, { timeout: 30_000 });
    await page.screenshot(clipHeight === null ? { path: out, fullPage: true } : { path: out, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: clipHeight } });
  } finally {
    await close();
  }
  console.log(out);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`screenshot: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
