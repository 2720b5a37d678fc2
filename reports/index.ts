import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunManifest, RunValidity, Summary } from '../harness/results/format.ts';
import { writeFileAtomic } from '../harness/results/atomic.ts';
import { ReportInputError } from '../harness/results/errors.ts';
import { modeLabel, readManifest } from '../harness/results/load.ts';
import { readInside } from '../harness/results/read-inside.ts';
import { fileHref, html, type Html } from './html.ts';
import { page } from './page.ts';
import { REPORT_FILE } from './render.ts';
import { badge } from './sections/headline.ts';
import { outcomesIn } from './sections/thresholds.ts';

export const INDEX_FILE = 'index.html';

interface RunRow {
  dir: string;
  manifest: Partial<RunManifest>;
  summary: Partial<Summary> | null;
  hasReport: boolean;
  /** Why a file of this run could not be used (a corrupt manifest or summary): shown, never dropped. */
  unreadable: string[];
}

type Json = { value: unknown; problem: string | null; missing: boolean };

async function readJson(root: string, file: string): Promise<Json> {
  const r = await readInside(root, file);
  if (r.text === null) return { value: null, problem: r.missing ? null : `${path.basename(file)}: ${r.problem}`, missing: r.missing };
  try {
    return { value: JSON.parse(r.text) as unknown, problem: null, missing: false };
  } catch (e) {
    return { value: null, problem: `${path.basename(file)} is not valid JSON: ${(e as Error).message}`, missing: false };
  }
}

const exists = (file: string) => stat(file).then(() => true, () => false);
const isRow = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string';

/** A schema-1 capacity / knee folder (no manifest): listed by its rows; null when it has none. */
async function modesRow(dir: string, name: string): Promise<Pick<RunRow, 'manifest' | 'unreadable'> | null> {
  const files = ['capacity.json', 'knee.json'];
  const read = await Promise.all(files.map((f) => readJson(dir, path.join(dir, f))));
  if (read.every((r) => r.missing)) return null;
  const unreadable = read.flatMap((r, i) => (r.problem ? [r.problem] : !r.missing && !Array.isArray(r.value) ? [`${files[i]} is not a list of per-target rows`] : []));
  const rows = read.flatMap((r) => (Array.isArray(r.value) ? r.value.filter(isRow) : []));
  const label = modeLabel(read[0]!.missing ? null : [], read[1]!.missing ? null : []);
  return {
    unreadable,
    manifest: { runId: name, profileSource: label, work: String(rows[0]?.work ?? ''), targets: [...new Map(rows.map((r) => [String(r.name), { name: String(r.name), state: String(r.state) }])).values()] as RunManifest['targets'] },
  };
}

async function findRun(root: string, name: string): Promise<RunRow | null> {
  const dir = path.join(root, name);
  const m = await readManifest(dir);
  let manifest: Partial<RunManifest>;
  const unreadable: string[] = [];
  if (m.manifest) manifest = m.manifest;
  else if (!m.missing) {
    manifest = { runId: name };
    unreadable.push(m.problem ?? 'manifest.json could not be read');
  } else {
    const modes = await modesRow(dir, name);
    if (!modes) return null;
    ({ manifest } = modes);
    unreadable.push(...modes.unreadable);
  }
  const s = await readJson(dir, path.join(dir, 'summary.json'));
  if (s.problem) unreadable.push(s.problem);
  const summary = s.value !== null && typeof s.value === 'object' ? s.value as Partial<Summary> : null;
  return { dir: name, manifest, summary, hasReport: await exists(path.join(dir, REPORT_FILE)), unreadable };
}

async function findRuns(root: string): Promise<RunRow[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const rows: RunRow[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const row = await findRun(root, e.name);
    if (row) rows.push(row);
  }
  // Newest first; the folder name breaks ties so the page is stable.
  return rows.sort((a, b) => String(b.manifest.startedAt ?? '').localeCompare(String(a.manifest.startedAt ?? '')) || a.dir.localeCompare(b.dir));
}

/** A capacity / knee run (profile null since schema 2; no manifest in schema 1) has no summary.json by its shape. */
const modesRun = (m: Partial<RunManifest>): boolean => m.profile === null || (m.profile === undefined && !m.startedAt);

/** The run's validity verdict (summary.json `validity`): valid, or suspect and why; "not checked" for a run folder from before the check. */
function validityCell(r: RunRow): Html | string {
  const v = r.summary?.validity as Partial<RunValidity> | undefined;
  if (v?.verdict === 'valid') return badge('held', 'valid');
  if (v?.verdict === 'suspect') {
    const why = Array.isArray(v.why) ? v.why.filter((w) => typeof w === 'string') : [];
    return html`${badge('degraded', 'suspect')}${why.length ? html`<div class="muted">${why.join(' · ')}</div>` : ''}`;
  }
  return r.summary && !modesRun(r.manifest) ? html`<span class="muted">not checked</span>` : '';
}

/** The run's thresholds (summary.json `thresholds`): how many passed, and every failed one with its measurement. */
function thresholdsCell(r: RunRow): Html | string {
  const all = outcomesIn(r.summary);
  if (all.length === 0) return r.summary ? html`<span class="muted">none</span>` : '';
  const failed = all.filter((o) => o.status === 'fail');
  const judged = all.filter((o) => o.status !== 'skipped').length;
  const skipped = all.length - judged;
  const note = skipped ? html` <span class="muted">(${skipped} skipped)</span>` : '';
  if (failed.length === 0) return html`${badge('pass')} all ${judged} passed${note}`;
  return html`${badge('fail')} ${failed.length} of ${judged} failed${note}${failed.map((o) => html`<div><code>${o.expression.startsWith(`${o.target}:`) ? o.expression : `${o.target}: ${o.expression}`}</code> <span class="muted">${o.message}</span></div>`)}`;
}

function row(r: RunRow): Html {
  const m = r.manifest;
  const targets = Array.isArray(r.summary?.targets)
    ? r.summary.targets.map((t) => html`<div>${badge(String(t.status))} ${t.name} <span class="muted">${t.verdict}</span></div>`)
    : (m.targets ?? []).map((t) => html`<div>${t.name} <span class="muted">(${t.state}${modesRun(m) ? '' : '; no summary.json'})</span></div>`);
  const problems = r.unreadable.map((p) => html`<div class="bad">unreadable: ${p}</div>`);
  const link = r.hasReport
    ? html`<a href="${fileHref(`${r.dir}/${REPORT_FILE}`)}">${r.dir}</a>`
    : html`${r.dir}<br><span class="muted">no report yet: npm run report -- ${r.dir}</span>`;
  const state = r.unreadable.length && !m.startedAt ? html`<strong class="bad">unreadable</strong>` : m.complete === false ? html`<strong class="bad">incomplete</strong>` : 'complete';
  return html`<tr><td>${link}</td><td>${String(m.startedAt ?? '').replace('T', ' ').slice(0, 19)}</td><td>${r.summary?.profile ?? m.profileSource ?? ''}</td><td>${m.work ?? ''}</td>
<td>${state}</td><td>${validityCell(r)}</td><td class="thresholds">${thresholdsCell(r)}</td><td class="targets">${problems}${targets}</td></tr>`;
}

/**
 * RESULTS_ROOT/index.html: every run folder under it, newest first, with its validity verdict,
 * its thresholds' outcome and its verdicts; a folder that cannot be read says why.
 */
export async function writeIndex(resultsRoot: string): Promise<string> {
  const root = path.resolve(resultsRoot);
  const isDir = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ReportInputError('E_NOT_RESULTS_ROOT', `${resultsRoot} is not a folder`);
  const runs = await findRuns(root);
  const body = html`<h1>loadlab runs</h1>
<p class="sub">${runs.length} run${runs.length === 1 ? '' : 's'} in this folder, newest first.</p>
${runs.length ? html`<div class="scroll"><table class="index"><thead><tr><th>run</th><th>started (UTC)</th><th>profile</th><th>work</th><th>state</th><th>validity</th><th>thresholds</th><th>targets and verdicts</th></tr></thead>
<tbody>${runs.map(row)}</tbody></table></div>` : html`<p>No run folders (folders with a manifest.json) here yet.</p>`}`;
  const file = path.join(root, INDEX_FILE);
  await writeFileAtomic(file, page({ title: 'loadlab runs', body, scripts: [] }));
  return file;
}
