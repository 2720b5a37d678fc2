/**
 * `tsx scripts/screenshot-live.ts OUT.png [SECONDS [HEIGHT]] -- LAB_ARGS…`: start `npm run lab -- LAB_ARGS… --ui`,
 * open its live page, and take a screenshot of it during the run: once the last target has run
 * SECONDS of its profile (default 8) and the targets before it are done; the whole page, or its top HEIGHT pixels. The browser then
 * leaves, and the run goes on to its end (the lab exits as usual; its output is shown).
 * The README's picture of the live page: `tsx scripts/screenshot-live.ts docs/live.png 8 1250 -- --profile smoke --targets fastify,express-dev`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openChromium } from './chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(argv: string[]): Promise<void> {
  const sep = argv.indexOf('--');
  const [out, secondsArg, heightArg] = sep < 0 ? argv : argv.slice(0, sep);
  const labArgs = sep < 0 ? [] : argv.slice(sep + 1);
  if (!out) throw new Error('usage: tsx scripts/screenshot-live.ts OUT.png [SECONDS] -- LAB_ARGS…');
  const seconds = secondsArg === undefined ? 8 : Number(secondsArg);
  if (!(Number.isInteger(seconds) && seconds > 0)) throw new Error(`SECONDS must be a whole number, got "${secondsArg}"`);
  const height = heightArg === undefined ? null : Number(heightArg);
  if (height !== null && !(Number.isInteger(height) && height > 0)) throw new Error(`HEIGHT must be a whole number of pixels, got "${heightArg}"`);

  const lab = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', ...labArgs, '--ui'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve) => lab.once('exit', (code) => resolve(code ?? 1)));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    lab.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /live view: (\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`the lab exited (${code}) before printing its URL:\n${stdout}`)));
  });

  const { ctx, close } = await openChromium();
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    // The last target, SECONDS into its profile, with every earlier one done and every chart drawn.
    await page.waitForFunction((s) => {
      const t = document.getElementById('target')?.textContent ?? '';
      const m = /\((\d+) of (\d+)\)/.exec(t);
      const elapsed = /^(\d+):(\d+)/.exec(document.getElementById('elapsed')?.textContent ?? '');
      const charts = Array.from(document.querySelectorAll('#charts figure > div'));
      return m !== null && m[1] === m[2] && elapsed !== null && Number(elapsed[1]) * 60 + Number(elapsed[2]) >= s
        && document.querySelectorAll('#done tbody tr').length === Number(m[2]) - 1
        && charts.length > 0 && charts.every((c) => c.hasAttribute('data-rendered'));
    }, seconds, { timeout: 300_000, polling: 250 });
    await page.screenshot(height === null ? { path: out, fullPage: true } : { path: out, fullPage: true, clip: { x: 0, y: 0, width: 1100, height } });
  } finally {
    await close();
  }
  const code = await exited;
  process.stdout.write(stdout);
  console.log(`${out} (lab exit code ${code})`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`screenshot: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
