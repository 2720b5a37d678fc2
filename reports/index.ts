import { readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunManifest, Summary } from '../harness/results/format.ts';
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
const readRows = async (file: string): Promise<Record<string, unknown>[]> => {
  const v = await readJson(file).catch(() => null);
  return Array.isArray(v) ? v.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string') : [];
};

async function findRuns(root: string): Promise<RunRow[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const rows: RunRow[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = path.join(root, e.name);
    let manifest = await readJson(path.join(dir, 'manifest.json')).catch(() => null);
    if (!manifest || typeof manifest !== 'object') {
      // Capacity and knee runs write no manifest: list them by their rows.
      const rows = [...await readRows(path.join(dir, 'capacity.json')), ...await readRows(path.join(dir, 'knee.json'))];
      if (!rows.length) continue;
      const mode = [await exists(path.join(dir, 'capacity.json')) ? 'capacity' : '', await exists(path.join(dir, 'knee.json')) ? 'knee' : ''].filter(Boolean).join(' + ');
      manifest = { runId: e.name, profileSource: mode, work: String(rows[0]?.work ?? ''), targets: [...new Map(rows.map((r) => [String(r.name), { name: String(r.name), state: String(r.state) }])).values()] };
    }
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
    : (m.targets ?? []).map((t) => html`<div>${t.name} <span class="muted">(${t.state}${m.profile === undefined && !m.startedAt ? '' : '; no summary.json'})</span></div>`);
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
