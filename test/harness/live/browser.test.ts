import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture, killLeftovers, startLab, targetsLeftBehind, waitFor, type LabProcess } from '../../helpers/lab.ts';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = process.env.LOADLAB_SKIP_BROWSER === '1';
const PROFILE = fixture('profiles/live-tiny.ts');

let root = '';
let lab: LabProcess | undefined;
const seen = new Set<number>();

interface Browser { ctx: BrowserContext; page: Page; requests: string[]; errors: string[]; dir: string }

async function openPage(url: string): Promise<Browser> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loadlab-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1100, height: 900 },
  });
  const b: Browser = { ctx, page: await ctx.newPage(), requests: [], errors: [], dir };
  ctx.on('request', (r) => b.requests.push(r.url()));
  b.page.on('console', (m) => { if (m.type() === 'error') b.errors.push(m.text()); });
  b.page.on('pageerror', (e) => b.errors.push(e.message));
  await b.page.goto(url);
  return b;
}

const closeBrowser = async (b: Browser | undefined) => {
  if (!b) return;
  await b.ctx.close();
  await rm(b.dir, { recursive: true, force: true });
};

/** The URL the lab printed, once it has. */
async function liveUrl(l: LabProcess): Promise<URL> {
  expect(await waitFor(() => /live view: http:\/\/127\.0\.0\.1:\d+\/\S+\//.test(l.stdout()), 30_000)).toBe(true);
  return new URL(/live view: (\S+)/.exec(l.stdout())![1]!);
}

/** A raw request with any Host header (the browser would not let us forge one). */
function request(port: number, o: { path: string; host?: string; method?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: o.path, method: o.method ?? 'GET', headers: { host: o.host ?? `127.0.0.1:${port}`, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const portClosed = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('connect', () => { s.destroy(); resolve(false); });
  s.on('error', () => resolve(true));
});

/** Vertices of the latency chart's drawn lines (M and L commands of the SVG paths): one more per percentile and second. */
const latencyVertices = (page: Page) => page.$$eval('#chart-latency svg .mark-line path', (ps) => ps.reduce((n, p) => n + ((p.getAttribute('d') ?? '').match(/[ML]/g)?.length ?? 0), 0));
const attr = (page: Page, sel: string, name: string) => page.$eval(sel, (el, n) => Number(el.getAttribute(n) ?? 0), name);

beforeAll(async () => {
  if (!SKIP && !existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install chromium, or set LOADLAB_SKIP_BROWSER=1 to skip the browser tests on purpose`);
  root = await mkdtemp(path.join(os.tmpdir(), 'loadlab-live-'));
});
afterEach(() => {
  killLeftovers(lab, seen);
  lab = undefined;
});
afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

describe.skipIf(SKIP)('the live page (--ui) in headless Chromium, during a real run', () => {
  it('draws the run as it goes, refuses requests without the token or with a foreign Host, and ends on a link to the report', async () => {
    const out = path.join(root, 'full');
    // One threshold that cannot pass (a 10–100 ms handler under 1 ms) and one that does: the end shows both outcomes.
    lab = startLab(['--profile', PROFILE, '--targets', 'fastify,express-dev', '--ui', '--out', out, '--assert', 'fastify:p50<1ms', '--assert', 'errors<100%']);
    const left = targetsLeftBehind(lab);
    const url = await liveUrl(lab);
    const port = Number(url.port);
    const token = url.pathname.split('/')[1]!;
    let b: Browser | undefined;
    try {
      b = await openPage(url.href);
      const { page } = b;

      // Refusals, while the run is on: no token, a wrong one, a rebinding Host, a cross-origin or header-less Stop.
      expect((await request(port, { path: '/' })).status).toBe(403);
      expect((await request(port, { path: '/events' })).status).toBe(403);
      expect((await request(port, { path: `/${token.slice(0, -1)}x/` })).status).toBe(403);
      expect((await request(port, { path: `/${token}/`, host: `evil.example:${port}` })).status).toBe(403);
      expect((await request(port, { path: `/${token}/`, host: `localhost:${port}` })).status).toBe(200);
      expect((await request(port, { path: `/${token}/stop`, method: 'POST' })).status).toBe(403);
      expect((await request(port, { path: `/${token}/stop`, method: 'POST', headers: { 'x-loadlab-token': 'nope' } })).status).toBe(403);
      expect((await request(port, { path: `/${token}/stop`, method: 'POST', headers: { 'x-loadlab-token': token, origin: 'http://evil.example' } })).status).toBe(403);
      expect((await request(port, { path: `/${token}/run/..%2f..%2fetc%2fpasswd` })).status).toBe(400);
      const page200 = await request(port, { path: `/${token}/` });
      expect(page200.body).toContain('loadlab · live');

      // The first target's first stage, then its second: the stage label changes and the chart gains points.
      await page.waitForFunction(() => /stage 1\/2/.test(document.getElementById('stage')!.textContent ?? ''), null, { timeout: 30_000 });
      // A line drawn, not only a render: the chart may first be drawn before the target's first second (stage marks, no line yet).
      await page.waitForFunction(() => Array.from(document.querySelectorAll('#chart-latency svg .mark-line path')).some((p) => /[ML]/.test(p.getAttribute('d') ?? '')), null, { timeout: 10_000 });
      const points1 = await attr(page, '#chart-latency', 'data-points');
      const drawn1 = await latencyVertices(page);
      await page.waitForFunction(() => /stage 2\/2/.test(document.getElementById('stage')!.textContent ?? ''), null, { timeout: 15_000 });
      await page.waitForFunction((p) => Number(document.getElementById('chart-latency')!.getAttribute('data-points')) > p, points1, { timeout: 10_000 });
      expect(drawn1).toBeGreaterThan(0);
      expect(await latencyVertices(page)).toBeGreaterThan(drawn1);
      expect(await page.textContent('#latency')).toMatch(/^[\d.]+ m?s \/ [\d.]+ m?s \/ [\d.]+ m?s$/);
      await page.waitForFunction(() => /\d%/.test(document.getElementById('target-res')!.textContent ?? ''), null, { timeout: 10_000 });
      for (const id of ['chart-throughput', 'chart-load', 'chart-saturation']) {
        await page.waitForFunction((i) => document.getElementById(i)?.getAttribute('data-rendered') === 'ok', id, { timeout: 10_000 });
      }

      // The first target is done once the second runs: its verdict, and links into the run folder that open.
      await page.waitForFunction(() => /express-dev \(2 of 2\)/.test(document.getElementById('target')!.textContent ?? ''), null, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('#done tbody tr td.files a').length > 0 && !/being written/.test(document.querySelector('#done tbody tr')!.textContent ?? ''), null, { timeout: 10_000 });
      expect(await page.textContent('#done tbody tr')).toMatch(/fastify\s*ok\s*(held|degraded)/);
      expect(await page.textContent('#done tbody tr td.validity')).toMatch(/^(valid|SUSPECT: .+)$/);
      const seriesHref = await page.$eval('#done a[href$="series.json"]', (a) => a.getAttribute('href'));
      expect(seriesHref).toBe('run/fastify/series.json');
      const series = await request(port, { path: `/${token}/${seriesHref}` });
      expect(series.status).toBe(200);
      expect((JSON.parse(series.body) as unknown[]).length).toBe(4);

      // The end: the page says so and links to the report, which opens; leaving the page lets the lab exit.
      await page.waitForSelector('#report-link', { timeout: 40_000 });
      expect(await page.textContent('#end')).toMatch(/The run is over/);
      expect(await page.textContent('#end-validity')).toMatch(/^Validity: (valid|SUSPECT: .+)$/);
      expect(await page.textContent('#end-thresholds-head')).toBe('Thresholds: 1 of 3 FAILED');
      expect(await page.$$eval('#end-thresholds li', (li) => li.map((l) => l.textContent))).toEqual([expect.stringMatching(/^FAIL fastify p50<1ms: p50 [\d.]+ m?s over the run \(limit < 1 ms\)$/)]);
      await page.click('#report-link');
      await page.waitForFunction(() => document.querySelectorAll('[data-spec]').length > 0
        && Array.from(document.querySelectorAll('[data-spec]')).every((el) => el.hasAttribute('data-rendered')), null, { timeout: 30_000 });
      expect(page.url()).toBe(`${url.href}run/report.html`);
      const { code, targets, left: alive } = await left;
      expect(code).toBe(3);
      expect(targets.length).toBeGreaterThanOrEqual(2);
      expect(alive).toEqual([]);
      expect(await portClosed(port)).toBe(true);
      expect(b.errors).toEqual([]);
      expect(b.requests.length).toBeGreaterThan(5);
      expect(b.requests.filter((r) => !r.startsWith(`http://127.0.0.1:${port}/`))).toEqual([]);
    } finally {
      await closeBrowser(b);
    }
  }, 60_000);

  it('Stop ends the run as Ctrl-C does: partial results kept and marked incomplete, nothing left running', async () => {
    const out = path.join(root, 'stopped');
    lab = startLab(['--profile', PROFILE, '--targets', 'fastify', '--ui', '--out', out]);
    const left = targetsLeftBehind(lab);
    const url = await liveUrl(lab);
    let b: Browser | undefined;
    try {
      b = await openPage(url.href);
      const { page } = b;
      await page.waitForFunction(() => /stage 1\/2/.test(document.getElementById('stage')!.textContent ?? ''), null, { timeout: 30_000 });
      await page.click('#stop');
      await page.waitForSelector('#end.incomplete #report-link', { timeout: 30_000 });
      expect(await page.textContent('#end')).toMatch(/stopped: the results so far are kept and marked incomplete/);
      expect(b.errors).toEqual([]);
      await closeBrowser(b);
      b = undefined;
      const { code, targets, left: alive } = await left;
      expect(code).toBe(130);
      expect(targets.length).toBeGreaterThanOrEqual(1);
      expect(alive).toEqual([]);
      expect(await portClosed(Number(url.port))).toBe(true);
      expect(lab.stderr()).toMatch(/Stop pressed on the live page: stopping/);
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { complete: boolean; targets: { state: string }[] };
      expect(manifest.complete).toBe(false);
      expect(manifest.targets[0]!.state).toBe('interrupted');
      const series = JSON.parse(readFileSync(path.join(out, 'fastify', 'series.json'), 'utf8')) as unknown[];
      expect(series.length).toBeGreaterThan(0);
      expect(series.length).toBeLessThan(4);
      expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    } finally {
      await closeBrowser(b);
    }
  }, 45_000);

  it('Ctrl-C with the page open: the lab leaves at once (no wait for the page), the port closes, nothing is left', async () => {
    const out = path.join(root, 'ctrl-c');
    lab = startLab(['--profile', PROFILE, '--targets', 'fastify', '--ui', '--out', out]);
    const left = targetsLeftBehind(lab);
    const url = await liveUrl(lab);
    let b: Browser | undefined;
    try {
      b = await openPage(url.href);
      await b.page.waitForFunction(() => /stage 1\/2/.test(document.getElementById('stage')!.textContent ?? ''), null, { timeout: 30_000 });
      lab.child.kill('SIGINT');
      // The page is still open: the lab must not wait for it.
      const { code, left: alive } = await left;
      expect(code).toBe(130);
      expect(alive).toEqual([]);
      expect(await portClosed(Number(url.port))).toBe(true);
      expect((JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { complete: boolean }).complete).toBe(false);
    } finally {
      await closeBrowser(b);
    }
  }, 40_000);

  it('without --ui nothing listens', async () => {
    // Checked on the CLI's own output and sockets, mid-run: no URL printed, and no listening socket in the lab process.
    const out = path.join(root, 'plain');
    lab = startLab(['--profile', PROFILE, '--targets', 'fastify', '--out', out]);
    const pid = lab.child.pid!;
    expect(await waitFor(() => /stage 1\/2/.test(lab!.stdout()), 30_000)).toBe(true);
    const listening = listeningInodes();
    const mine = socketInodesOf(pid);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.filter((i) => listening.has(i))).toEqual([]);
    expect(lab.stdout()).not.toMatch(/live view/);
    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(130);
  }, 40_000);
});

/** Inodes of every listening TCP socket on the machine (/proc/net/tcp{,6}, state 0A). */
function listeningInodes(): Set<string> {
  const out = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[9]) out.add(cols[9]);
    }
  }
  return out;
}

/** Inodes of the sockets a process holds open. */
function socketInodesOf(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  const out: string[] = [];
  let fds: string[] = [];
  try { fds = readdirSync(dir); } catch { /* exited */ }
  for (const fd of fds) {
    let link = '';
    try { link = readlinkSync(`${dir}/${fd}`); } catch { /* closed meanwhile */ }
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) out.push(m[1]!);
  }
  return out;
}
