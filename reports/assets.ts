import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The browser builds inlined into every report, in load order (vega-embed needs the other two). */
const BUILDS = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
] as const;

let cached: Promise<string[]> | null = null;

async function read(pkg: string, file: string): Promise<string> {
  // Each package's main entry lives in its build/ folder, next to the browser build.
  const p = path.join(path.dirname(require.resolve(pkg)), file);
  const code = await readFile(p, 'utf8');
  // Inlined into <script>: a literal "</script" would end it early. None do today; refuse if one ever does.
  if (/<\/script|<!--/i.test(code)) throw new Error(`${p} contains "</script" or "<!--" and cannot be inlined`);
  return code;
}

/** Source of vega, vega-lite and vega-embed, read once per process. */
export function vegaScripts(): Promise<string[]> {
  cached ??= Promise.all(BUILDS.map(([pkg, file]) => read(pkg, file)));
  return cached;
}
