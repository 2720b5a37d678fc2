import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** One `import`/`export … from`/`import()` in a source file; paths are repo-relative with `/`. */
export interface ImportEdge {
  from: string;
  /** A repo-relative file for relative specifiers, else the bare specifier (`node:fs`, `zod`). */
  to: string;
  /** `import type …`: gone at run time, so it cannot pull code in. */
  typeOnly: boolean;
}

/** A `console.*` call or a `process.stdout/stderr.write` in a source file. */
export interface PrintSite { file: string; line: number; text: string }

export interface Violation { rule: string; file: string; detail: string }

/** Not source: dependencies, and the run folders of `results/` at the top. */
const skipped = (rel: string, name: string) => name === 'node_modules' || name.startsWith('.') || rel === 'results';

/** Every `.ts` file of the repository, repo-relative. */
export function sourceFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!skipped(rel, e.name)) out.push(...sourceFiles(root, rel));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function resolveSpecifier(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.ts'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const named = clause.namedBindings;
  return named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** The imports and the terminal writes of one file, read from its syntax tree (strings and comments cannot fool it). */
export function scanSource(file: string, text: string): { imports: ImportEdge[]; prints: PrintSite[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports: ImportEdge[] = [];
  const prints: PrintSite[] = [];
  const add = (spec: string, typeOnly: boolean) => imports.push({ from: file, to: resolveSpecifier(file, spec), typeOnly });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, isTypeOnlyExport(node));
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) add(node.arguments[0].text, false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) add(node.argument.literal.text, true);
    else if (ts.isPropertyAccessExpression(node)) {
      const printed = node.getText(sf);
      if (/^console\.\w+$/.test(printed) || /^process\.(stdout|stderr)\.write$/.test(printed)) {
        prints.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: printed });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, prints };
}

export function scanRepo(root: string): { files: string[]; imports: ImportEdge[]; prints: PrintSite[] } {
  const files = sourceFiles(root);
  const imports: ImportEdge[] = [];
  const prints: PrintSite[] = [];
  for (const f of files) {
    const r = scanSource(f, readFileSync(path.join(root, f), 'utf8'));
    imports.push(...r.imports);
    prints.push(...r.prints);
  }
  return { files, imports, prints };
}

const under = (file: string, dir: string) => file.startsWith(`${dir}/`);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);
const isLocal = (spec: string) => spec.endsWith('.ts');

/** Packages that reach the network, processes or files: pure maths must not load them. */
const IO_PACKAGES = ['undici', 'execa', 'pidtree', 'pidusage', 'piscina', 'express', 'fastify', 'autocannon', 'playwright-core'];
/** Harness steps that run things: the pure maths and the reports must not load them. */
const RUNNING_STEPS = ['harness/input', 'harness/spawn', 'harness/drive', 'harness/record', 'harness/run', 'harness/modes', 'harness/cli', 'harness/live'];
/** The lab itself, as opposed to its tests and tools. */
const PRODUCT = ['targets', 'profiles', 'harness', 'reports'];
/** Where a report may not reach, even through another module (run-time imports only). */
const REPORT_FORBIDDEN = ['targets', 'profiles', ...RUNNING_STEPS];

/** Run-time modules reachable from `start`, each with the chain that reaches it. */
function reachable(start: string, imports: readonly ImportEdge[]): Map<string, string[]> {
  const byFrom = new Map<string, ImportEdge[]>();
  for (const e of imports) if (!e.typeOnly) byFrom.set(e.from, [...(byFrom.get(e.from) ?? []), e]);
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    for (const e of byFrom.get(f) ?? []) {
      if (seen.has(e.to)) continue;
      seen.set(e.to, [...seen.get(f)!, e.to]);
      if (isLocal(e.to)) queue.push(e.to);
    }
  }
  seen.delete(start);
  return seen;
}

/**
 * The import rules of docs/architecture.md, as data in, violations out:
 * - targets/ and profiles/ import nothing from harness/;
 * - reports/ imports from harness/ only harness/results/ and harness/analysis/, and reaches
 *   (at run time, through any chain) none of targets/, profiles/ or the running steps;
 * - harness/analysis/ is pure: no Node built-in, no I/O package, no running step, at any depth;
 * - harness/ imports nothing from reports/, except harness/cli/, which writes the report at the end,
 *   and harness/live/, which draws the report's charts live: reports/charts/ and reports/assets.ts only;
 * - the lab itself (targets/, profiles/, harness/, reports/) imports nothing from test/ (bench/ and
 *   scripts/ are tools and may share its helpers);
 * - only harness/cli/ (and reports/cli.ts, bench/, scripts/, targets/, test/) prints to the terminal.
 */
export function checkRules(imports: readonly ImportEdge[], prints: readonly PrintSite[]): Violation[] {
  const v: Violation[] = [];
  const direct = (rule: string, e: ImportEdge) => v.push({ rule, file: e.from, detail: `imports ${e.to}` });
  for (const e of imports) {
    if ((under(e.from, 'targets') || under(e.from, 'profiles')) && under(e.to, 'harness')) direct(`${e.from.split('/')[0]}/ imports nothing from harness/`, e);
    if (under(e.from, 'reports') && under(e.to, 'harness') && !under(e.to, 'harness/results') && !under(e.to, 'harness/analysis')) direct('reports/ imports from harness/ only results/ and analysis/', e);
    if (under(e.from, 'reports') && (under(e.to, 'targets') || under(e.to, 'profiles'))) direct('reports/ never imports targets/ or profiles/', e);
    if (PRODUCT.some((d) => under(e.from, d)) && under(e.to, 'test')) direct('the lab itself imports nothing from test/', e);
    const liveDraws = under(e.from, 'harness/live') && (under(e.to, 'reports/charts') || e.to === 'reports/assets.ts');
    if (under(e.from, 'harness') && !under(e.from, 'harness/cli') && under(e.to, 'reports') && !liveDraws) direct('harness/ (except cli/) imports nothing from reports/', e);
  }
  const sources = [...new Set(imports.map((e) => e.from))];
  for (const f of sources.filter((s) => under(s, 'reports'))) {
    for (const [to, chain] of reachable(f, imports)) {
      if (REPORT_FORBIDDEN.some((d) => under(to, d))) v.push({ rule: 'reports/ reaches no targets/, profiles/ or running step, even indirectly', file: f, detail: chain.join(' → ') });
    }
  }
  for (const f of sources.filter((s) => under(s, 'harness/analysis'))) {
    for (const [to, chain] of reachable(f, imports)) {
      if (isBuiltin(to) || IO_PACKAGES.includes(to) || RUNNING_STEPS.some((d) => under(to, d))) v.push({ rule: 'harness/analysis/ does no I/O and runs nothing', file: f, detail: chain.join(' → ') });
    }
  }
  for (const p of prints) {
    const allowed = under(p.file, 'harness/cli') || p.file === 'reports/cli.ts';
    if ((under(p.file, 'harness') || under(p.file, 'reports') || under(p.file, 'profiles')) && !allowed) {
      v.push({ rule: 'only harness/cli/ (and reports/cli.ts) prints to the terminal', file: p.file, detail: `${p.text} at line ${p.line}` });
    }
  }
  return v;
}
