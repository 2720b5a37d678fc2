import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  FailuresFile, HistogramsFile, IntervalRow, RunManifest, StageStats, Summary, TargetEntry,
} from '../harness/results-format.ts';
import { ReportInputError } from './errors.ts';
import type { RunData, RunFile, SaturationRow, TargetRun } from './model.ts';
import { readProfile } from './profile.ts';

const LOG_TAIL_LINES = 30;
const LOG_LINE_MAX = 400;
/** Files the report writes itself; never listed as run data. */
const OWN_FILES = new Set(['report.html', 'index.html']);

type Read<T> = { value: T | null; problem: string | null };

async function readJson<T>(file: string, label: string): Promise<Read<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { value: null, problem: `${label} is missing` };
    return { value: null, problem: `${label} could not be read: ${(e as Error).message}` };
  }
  try {
    return { value: JSON.parse(text) as T, problem: null };
  } catch (e) {
    return { value: null, problem: `${label} is not valid JSON: ${(e as Error).message}` };
  }
}

async function listFiles(root: string, rel: string): Promise<RunFile[]> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  const files: RunFile[] = [];
  for (const e of entries) {
    if (!e.isFile() || OWN_FILES.has(e.name) || e.name.includes('.tmp')) continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    const s = await stat(path.join(root, p));
    files.push({ path: p, bytes: s.size });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function logTail(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-LOG_TAIL_LINES).map((l) => (l.length > LOG_LINE_MAX ? `${l.slice(0, LOG_LINE_MAX)}…` : l));
}

/** A target folder must stay inside the run folder, whatever the manifest says. */
function targetDir(runDir: string, entry: TargetEntry): string | null {
  const dir = path.resolve(runDir, entry.dir);
  const rel = path.relative(runDir, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? dir : null;
}

async function loadTarget(runDir: string, entry: TargetEntry, summary: Summary | null, problems: string[]): Promise<TargetRun> {
  const base: TargetRun = {
    entry, series: [], stages: [], histograms: null, failures: null, saturation: null, logTail: [], files: [],
    summary: summary?.targets.find((t) => t.name === entry.name) ?? null,
  };
  const dir = targetDir(runDir, entry);
  if (!dir) {
    problems.push(`target "${entry.name}": dir "${entry.dir}" is outside the run folder`);
    return base;
  }
  const rel = path.relative(runDir, dir).split(path.sep).join('/');
  const label = (f: string) => `${rel}/${f}`;
  // A failed target may have written nothing: its missing files are expected, not a problem.
  const note = (r: Read<unknown>) => { if (r.problem && entry.state === 'ok') problems.push(r.problem); };
  const series = await readJson<IntervalRow[]>(path.join(dir, 'series.json'), label('series.json'));
  const stages = await readJson<StageStats[]>(path.join(dir, 'stages.json'), label('stages.json'));
  const hist = await readJson<HistogramsFile>(path.join(dir, 'histograms.json'), label('histograms.json'));
  const failures = await readJson<FailuresFile>(path.join(dir, 'failures.json'), label('failures.json'));
  const saturation = await readJson<SaturationRow[]>(path.join(dir, 'saturation.json'), label('saturation.json'));
  [series, stages, hist, failures].forEach(note);
  if (saturation.problem && !saturation.problem.endsWith('is missing')) problems.push(saturation.problem);
  return {
    ...base,
    series: Array.isArray(series.value) ? series.value : [],
    stages: Array.isArray(stages.value) ? stages.value : [],
    histograms: hist.value && typeof hist.value.run === 'string' ? hist.value : null,
    failures: failures.value,
    saturation: Array.isArray(saturation.value) ? saturation.value : null,
    logTail: entry.state === 'ok' ? [] : await logTail(path.join(dir, 'target.log')),
    files: await listFiles(runDir, rel),
  };
}

/** With --repeat, one entry per target and repeat: repeats after the first get their own name. */
function withRepeatName(entry: TargetEntry): TargetEntry {
  const r = (entry as TargetEntry & { repeat?: number }).repeat;
  return typeof r === 'number' && r > 1 ? { ...entry, name: `${entry.name} · repeat ${r}` } : entry;
}

function checkManifest(m: unknown, file: string): RunManifest {
  const o = m as Partial<RunManifest> | null;
  const bad = (what: string, got: unknown) =>
    new ReportInputError('E_BAD_MANIFEST', `${file}: expected ${what}, got ${JSON.stringify(got)?.slice(0, 60)}`);
  if (typeof o !== 'object' || o === null) throw bad('an object', o);
  if (typeof o.runId !== 'string') throw bad('"runId" to be a string', o.runId);
  if (!Array.isArray(o.targets)) throw bad('"targets" to be an array', o.targets);
  o.targets.forEach((t, i) => {
    if (typeof t?.name !== 'string' || typeof t.dir !== 'string') throw bad(`targets[${i}] with string "name" and "dir"`, t);
  });
  return o as RunManifest;
}

/** Read a run folder (see harness/results-format.ts) into memory. Never touches a live run. */
export async function loadRun(runDir: string): Promise<RunData> {
  const dir = path.resolve(runDir);
  const manifestFile = path.join(dir, 'manifest.json');
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ReportInputError('E_NOT_RUN_DIR', `${runDir} is not a folder`);
  const m = await readJson<unknown>(manifestFile, 'manifest.json');
  if (m.value === null) {
    throw new ReportInputError('E_NOT_RUN_DIR', `${runDir} is not a run folder: ${m.problem ?? 'manifest.json is empty'}`);
  }
  const manifest = checkManifest(m.value, manifestFile);
  const problems: string[] = [];
  const s = await readJson<Summary>(path.join(dir, 'summary.json'), 'summary.json');
  const summary = s.value && Array.isArray(s.value.targets) ? s.value : null;
  if (!summary) problems.push(s.problem ?? 'summary.json has no "targets" list');
  const targets: TargetRun[] = [];
  for (const entry of manifest.targets) targets.push(await loadTarget(dir, withRepeatName(entry), summary, problems));
  return {
    dir, manifest, summary, targets, problems,
    profile: readProfile(manifest.profile, manifest.profileSource ?? summary?.profile ?? 'unknown'),
    files: await listFiles(dir, ''),
  };
}
