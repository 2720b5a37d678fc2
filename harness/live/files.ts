import path from 'node:path';
import { readInside } from '../results/read-inside.ts';

/** report.html's own policy (reports/page.ts): its scripts are inlined. */
const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:";

export type RunFileAnswer =
  | { text: string; type: string; csp: string | null }
  | { refused: string; status: 400 | 404 };

/** What a run file is served as: only the top report is a page; everything else is shown as text, never run. */
function contentType(rel: string): { type: string; csp: string | null } {
  if (rel === 'report.html') return { type: 'text/html; charset=utf-8', csp: REPORT_CSP };
  if (rel.endsWith('.json')) return { type: 'application/json; charset=utf-8', csp: null };
  return { type: 'text/plain; charset=utf-8', csp: null };
}

/**
 * A file of the run folder, read-only and confined: the relative path must name something
 * below the folder (no "..", no absolute path, no NUL), and readInside refuses a link out of it.
 */
export async function runFile(runDir: string, rel: string): Promise<RunFileAnswer> {
  const parts = rel.split('/');
  if (rel === '' || rel.includes('\0') || rel.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    return { refused: 'not a path inside the run folder', status: 400 };
  }
  const r = await readInside(runDir, path.join(runDir, ...parts));
  if (r.text === null) return { refused: r.missing ? 'no such file in the run folder' : r.problem, status: r.missing ? 404 : 400 };
  return { text: r.text, ...contentType(rel) };
}
