import { readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunManifest, Summary } from '../harness/results-format.ts';
import { ReportInputError } from './errors.ts';
import { fileHref, html, type Html } from './html.ts';
import { page } from './page.ts';
import { REPORT_FILE } from './render.ts';
import { badge } from './sections/headline.ts';

export const INDEX_FILE = 'index.html';

interface RunRow {
  dir: string;
  manifest: Partial<RunManifest>;
  summary: Partial<Summary> | null;
  hasReport: boolean;
}

const readJson = async (file: string): Promise<unknown> => JSON.parse(await readFile(file, 'utf8')) as unknown;
const exists = (file: string) => stat(file).then(() => true, () => false);

async function findRuns(root: string): Promise<RunRow[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const rows: RunRow[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(root, e.name);
    const manifest = await readJson(path.join(dir, 'manifest.json')).catch(() => null);
    if (!manifest || typeof manifest !== 'object') continue;
    const summary = await readJson(path.join(dir, 'summary.json')).catch(() => null);
    rows.push({ dir: e.name, manifest: manifest as Partial<RunManifest>, summary: summary as Partial<Summary> | null, hasReport: await exists(path.join(dir, REPORT_FILE)) });
  }
  // Newest first; the folder name breaks ties so the page is stable.
  return rows.sort((a, b) => String(b.manifest.startedAt ?? '').localeCompare(String(a.manifest.startedAt ?? '')) || a.dir.localeCompare(b.dir));
}

function row(r: RunRow): Html {
  const m = r.manifest;
  const targets = Array.isArray(r.summary?.targets)
    ? r.summary.targets.map((t) => html`<div>${badge(String(t.status))} ${t.name} <span class="muted">${t.verdict}</span></div>`)
    : (m.targets ?? []).map((t) => html`<div>${t.name} <span class="muted">(${t.state}; no summary.json)</span></div>`);
  const link = r.hasReport
    ? html`<a href="${fileHref(`${r.dir}/${REPORT_FILE}`)}">${r.dir}</a>`
    : html`${r.dir}<br><span class="muted">no report yet: npm run report -- ${r.dir}</span>`;
  return html`<tr><td>${link}</td><td>${String(m.startedAt ?? '').replace('T', ' ').slice(0, 19)}</td><td>${r.summary?.profile ?? m.profileSource ?? ''}</td><td>${m.work ?? ''}</td>
<td>${m.complete === false ? html`<strong class="bad">incomplete</strong>` : 'complete'}</td><td class="targets">${targets}</td></tr>`;
}

/** RESULTS_ROOT/index.html: every run folder under it, newest first, with its verdicts. */
export async function writeIndex(resultsRoot: string): Promise<string> {
  const root = path.resolve(resultsRoot);
  const isDir = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ReportInputError('E_NOT_RESULTS_ROOT', `${resultsRoot} is not a folder`);
  const runs = await findRuns(root);
  const body = html`<h1>loadlab runs</h1>
<p class="sub">${runs.length} run${runs.length === 1 ? '' : 's'} in this folder, newest first.</p>
${runs.length ? html`<div class="scroll"><table class="index"><thead><tr><th>run</th><th>started (UTC)</th><th>profile</th><th>work</th><th>state</th><th>targets and verdicts</th></tr></thead>
<tbody>${runs.map(row)}</tbody></table></div>` : html`<p>No run folders (folders with a manifest.json) here yet.</p>`}`;
  const file = path.join(root, INDEX_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, page({ title: 'loadlab runs', body, scripts: [] }));
  await rename(tmp, file);
  return file;
}
