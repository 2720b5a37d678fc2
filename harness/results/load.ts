import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type CapacityRow, type FailuresFile, type HistogramsFile, type IntervalRow, type KneeRow, type RunManifest,
  type SaturationRow, type SpreadFile, type StageStats, type Summary, type TargetEntry, type TargetState,
} from './format.ts';
import { safeDirName } from './write.ts';
import { countedRuns, medianStages } from '../analysis/spread.ts';
import { ReportInputError } from './errors.ts';
import type { RepeatGroup, RunData, RunFile, RunKind, TargetRun } from './run-data.ts';
import { readProfile } from './profile-info.ts';
import { readInside } from './read-inside.ts';
import { LOCK_FILE } from './outdir.ts';
import { checkHistograms } from './check-histograms.ts';
import { correctionOf, serviceTimeOf, theoryOf, workModelOf } from './manifest-read.ts';

const LOG_TAIL_LINES = 30;
const LOG_LINE_MAX = 400;
/** Files the report writes itself, and the lab's lock on a folder it is still writing: never listed as run data. */
const OWN_FILES = new Set(['report.html', 'index.html', LOCK_FILE]);

type Read<T> = { value: T | null; problem: string | null };

/** Every file the report reads goes through `readInside`: a link out of the run folder is refused, not followed. */
async function readJson<T>(root: string, file: string, label: string): Promise<Read<T>> {
  const r = await readInside(root, file);
  if (r.text === null) return { value: null, problem: r.missing ? `${label} is missing` : `${label} could not be read: ${r.problem}` };
  const text = r.text;
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

/** The log's last lines; a log that cannot be read (or links out of the run folder) says so in its tail. */
async function logTail(root: string, file: string): Promise<string[]> {
  const r = await readInside(root, file);
  if (r.text === null) return r.missing ? [] : [`(target.log not shown: ${r.problem})`];
  const lines = r.text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-LOG_TAIL_LINES).map((l) => (l.length > LOG_LINE_MAX ? `${l.slice(0, LOG_LINE_MAX)}…` : l));
}

/** A target folder must stay inside the run folder, whatever the manifest says. */
function targetDir(runDir: string, entry: TargetEntry): string | null {
  const dir = path.resolve(runDir, entry.dir);
  const rel = path.relative(runDir, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? dir : null;
}

async function loadTarget(runDir: string, entry: TargetEntry, summary: Summary | null, kind: RunKind, problems: string[], correction: TargetRun['correction']): Promise<TargetRun> {
  const repeat = typeof entry.repeat === 'number' && entry.repeat >= 1 ? entry.repeat : null;
  const base: TargetRun = {
    entry: withRepeatName(entry), base: entry.name, repeat, series: [], stages: [], histograms: null, failures: null, saturation: null, logTail: [], files: [],
    correction: kind === 'profile' ? correction : null,
    // With repeats, summary.json holds the medians of all of them: it belongs to the group, not to one repeat.
    summary: repeat === null ? (summary?.targets.find((t) => t.name === entry.name) ?? null) : null,
  };
  const dir = targetDir(runDir, entry);
  if (!dir) {
    problems.push(`target "${entry.name}": dir "${entry.dir}" is outside the run folder`);
    return base;
  }
  const rel = path.relative(runDir, dir).split(path.sep).join('/');
  const files = await listFiles(runDir, rel);
  if (kind === 'modes') {
    // Capacity and knee runs leave only the target's log: no stage, series or histogram files to expect.
    return { ...base, logTail: entry.state === 'ok' ? [] : await logTail(runDir, path.join(dir, 'target.log')), files };
  }
  const label = (f: string) => `${rel}/${f}`;
  // A failed target may have written nothing: its missing files are expected, not a problem.
  const note = (r: Read<unknown>) => { if (r.problem && entry.state === 'ok') problems.push(r.problem); };
  const series = await readJson<IntervalRow[]>(runDir, path.join(dir, 'series.json'), label('series.json'));
  const stages = await readJson<StageStats[]>(runDir, path.join(dir, 'stages.json'), label('stages.json'));
  const hist = await readJson<HistogramsFile>(runDir, path.join(dir, 'histograms.json'), label('histograms.json'));
  const failures = await readJson<FailuresFile>(runDir, path.join(dir, 'failures.json'), label('failures.json'));
  const saturation = await readJson<SaturationRow[]>(runDir, path.join(dir, 'saturation.json'), label('saturation.json'));
  [series, stages, hist, failures].forEach(note);
  if (saturation.problem && !saturation.problem.endsWith('is missing')) problems.push(saturation.problem);
  return {
    ...base,
    series: Array.isArray(series.value) ? series.value : [],
    stages: Array.isArray(stages.value) ? stages.value : [],
    histograms: hist.value ? checkHistograms(hist.value, label('histograms.json'), problems) : null,
    failures: failures.value,
    saturation: Array.isArray(saturation.value) ? saturation.value : null,
    logTail: entry.state === 'ok' ? [] : await logTail(runDir, path.join(dir, 'target.log')),
    files,
  };
}

/** With --repeat, one entry per target and repeat: repeats after the first get their own name. */
function withRepeatName(entry: TargetEntry): TargetEntry {
  const r = entry.repeat;
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

/**
 * A folder's manifest.json, checked: `missing` when there is none (not a run folder, or a
 * schema-1 capacity / knee run), `problem` in words when it exists but cannot be used.
 */
export async function readManifest(dir: string): Promise<{ manifest: RunManifest | null; missing: boolean; problem: string | null }> {
  const file = path.join(dir, 'manifest.json');
  const r = await readJson<unknown>(dir, file, 'manifest.json');
  if (r.value === null) return { manifest: null, missing: r.problem?.endsWith('is missing') ?? true, problem: r.problem };
  try {
    return { manifest: checkManifest(r.value, 'manifest.json'), missing: false, problem: null };
  } catch (e) {
    return { manifest: null, missing: false, problem: e instanceof Error ? e.message : String(e) };
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A JSON list of objects with a string `name` (capacity.json, knee.json); anything else is a problem. */
async function readRows<T>(dir: string, file: string, problems: string[]): Promise<T[] | null> {
  const r = await readJson<unknown>(dir, path.join(dir, file), file);
  if (r.value === null) {
    if (r.problem && !r.problem.endsWith('is missing')) problems.push(r.problem);
    return null;
  }
  if (!Array.isArray(r.value) || !r.value.every((x) => isObj(x) && typeof x.name === 'string')) {
    problems.push(`${file} is not a list of per-target rows`);
    return null;
  }
  return r.value as T[];
}

async function readSpread(dir: string, problems: string[]): Promise<SpreadFile | null> {
  const r = await readJson<SpreadFile>(dir, path.join(dir, 'spread.json'), 'spread.json');
  if (r.value === null) {
    if (r.problem && !r.problem.endsWith('is missing')) problems.push(r.problem);
    return null;
  }
  if (!isObj(r.value) || !Array.isArray(r.value.targets)) {
    problems.push('spread.json has no "targets" list');
    return null;
  }
  const targets = r.value.targets.filter((t) => isObj(t) && typeof t.name === 'string' && Array.isArray(t.stages));
  return { ...r.value, targets };
}

/**
 * Capacity and knee runs of schema 1 wrote no manifest.json (they do since schema 2): for such a
 * folder the report makes up a minimal one from their rows, so it still renders. Unknowns stay
 * visibly unknown rather than invented.
 */
function modesManifest(dir: string, capacity: CapacityRow[] | null, knee: KneeRow[] | null): RunManifest {
  const rows: (CapacityRow | KneeRow)[] = [...(capacity ?? []), ...(knee ?? [])];
  const byName = new Map<string, { concurrency: number; states: TargetState[]; errors: string[] }>();
  for (const r of rows) {
    const t = byName.get(r.name) ?? { concurrency: r.concurrency, states: [], errors: [] };
    t.states.push(r.state);
    if (r.error) t.errors.push(r.error);
    byName.set(r.name, t);
  }
  const worst = (s: TargetState[]): TargetState => (s.includes('failed') ? 'failed' : s.includes('interrupted') ? 'interrupted' : 'ok');
  const states = [...byName.values()].flatMap((t) => t.states);
  return {
    schemaVersion: 1, runId: path.basename(dir), startedAt: 'unknown', finishedAt: null,
    complete: !states.includes('interrupted'), gitCommit: null, node: 'unknown', cpuModel: 'unknown', cores: 0, os: 'unknown',
    work: rows[0]?.work ?? 'unknown', seed: 0, profile: null, profileSource: modeLabel(capacity, knee),
    targets: [...byName.entries()].map(([name, t]) => ({
      name, description: '', concurrency: t.concurrency, size: 0, state: worst(t.states), error: t.errors[0] ?? null, dir: safeDirName(name),
    })),
  };
}

export const modeLabel = (capacity: unknown[] | null, knee: unknown[] | null): string =>
  [capacity ? 'capacity' : '', knee ? 'knee' : ''].filter(Boolean).join(' + ') || 'profile';

/** Per target with repeats: its runs and a run of median stages, as summary.json has it. */
function repeatGroups(targets: TargetRun[], summary: Summary | null): RepeatGroup[] {
  const byBase = new Map<string, TargetRun[]>();
  for (const t of targets) if (t.repeat !== null) byBase.set(t.base, [...(byBase.get(t.base) ?? []), t]);
  return [...byBase.entries()].map(([name, runs]) => {
    const repeatRuns = runs.map((r) => ({ repeat: r.repeat ?? 1, dir: r.entry.dir, state: r.entry.state, stages: r.stages }));
    const counted = countedRuns(repeatRuns);
    const stages = counted.some((r) => r.stages.length) ? medianStages(repeatRuns) : [];
    const failedRuns = runs.filter((r) => r.entry.state !== 'ok');
    const first = runs[0]!;
    const state: TargetState = failedRuns.length === runs.length ? first.entry.state : 'ok';
    const median: TargetRun = {
      ...first,
      entry: { ...first.entry, name, state, error: state === 'ok' ? null : first.entry.error },
      stages, series: [], histograms: null, saturation: null, files: [], repeat: null,
      failures: state === 'ok' ? null : first.failures,
      summary: summary?.targets.find((s) => s.name === name) ?? null,
    };
    return { name, runs, median };
  });
}

/** Read a run folder (see harness/results/format.ts) into memory. Never touches a live run. */
export async function loadRun(runDir: string): Promise<RunData> {
  const dir = path.resolve(runDir);
  const manifestFile = path.join(dir, 'manifest.json');
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new ReportInputError('E_NOT_RUN_DIR', `${runDir} is not a folder`);
  const problems: string[] = [];
  const capacity = await readRows<CapacityRow>(dir, 'capacity.json', problems);
  const knee = await readRows<KneeRow>(dir, 'knee.json', problems);
  const m = await readJson<unknown>(dir, manifestFile, 'manifest.json');
  const hasManifest = m.value !== null;
  if (!hasManifest && !capacity && !knee) {
    throw new ReportInputError('E_NOT_RUN_DIR', `${runDir} is not a run folder: ${m.problem ?? 'manifest.json is empty'}`);
  }
  const manifest = hasManifest ? checkManifest(m.value, manifestFile) : modesManifest(dir, capacity, knee);
  const s = await readJson<Summary>(dir, path.join(dir, 'summary.json'), 'summary.json');
  const summary = s.value && Array.isArray(s.value.targets) ? s.value : null;
  // A capacity / knee run has no summary.json: that is its shape, not a missing file.
  const kind: RunKind = (capacity || knee) && s.value === null ? 'modes' : 'profile';
  if (!summary && kind === 'profile') problems.push(s.problem ?? 'summary.json has no "targets" list');
  const spread = await readSpread(dir, problems);
  const serviceTime = serviceTimeOf(manifest, problems);
  const targets: TargetRun[] = [];
  for (const entry of manifest.targets) {
    targets.push(await loadTarget(dir, entry, summary, kind, problems, correctionOf(manifest, entry, serviceTime)));
  }
  return {
    dir, kind, hasManifest, manifest, summary, targets, problems, spread, capacity, knee, serviceTime, workModel: workModelOf(manifest), theory: theoryOf(manifest, serviceTime),
    groups: repeatGroups(targets, summary),
    profile: readProfile(manifest.profile, manifest.profileSource ?? summary?.profile ?? 'unknown'),
    files: await listFiles(dir, ''),
  };
}
