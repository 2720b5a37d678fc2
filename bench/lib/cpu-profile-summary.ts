/** The parts of a V8 `.cpuprofile` (node --cpu-prof) the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** The node on top of the stack at each sample. */
  samples: number[];
  /** µs from the previous sample to this one (the time this sample stands for). */
  timeDeltas: number[];
}

export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
}

export interface Share {
  name: string;
  us: number;
  /** Of all sampled time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  /** All sampled time, µs. */
  totalUs: number;
  /** Self time by category, largest first. */
  categories: Share[];
  /** Self time by function (`name file:line [category]`), largest first. */
  functions: Share[];
}

/** Native calls that copy a request into the socket (Node's stream_base). */
const WRITE = new Set(['writeBuffer', 'writev', 'writeLatin1String', 'writeUtf8String', 'writeAsciiString']);
const CLIENT = /harness\/drive\/(h1|http|connections|classify)\.ts/;
const DRIVER = /harness\/drive\/(closed|open|arrivals|deadlines|control|warmup)\.ts/;

/** The category of a sample, by its own (top) frame: bench/README.md "Where the CPU goes" names each. */
export function categorize(cf: CallFrame): string {
  const u = cf.url;
  if (cf.functionName === '(idle)') return 'idle';
  if (cf.functionName === '(garbage collector)') return 'gc';
  if (u === '' && WRITE.has(cf.functionName)) return 'socket write';
  if (CLIENT.test(u)) return 'client JS';
  if (u.includes('node_modules/undici')) return 'client JS (undici)';
  if (u.startsWith('wasm:')) return 'wasm';
  if (u.includes('node_modules/http-parser-js') || u.includes('node_modules/autocannon')) return 'client JS (autocannon)';
  if (DRIVER.test(u)) return 'driver JS';
  if (u.includes('harness/record/') || u.includes('node_modules/hdr-histogram-js') || u.includes('node_modules/pako')) return 'recorder + HDR';
  if (cf.functionName === '(program)') return 'program';
  return 'other';
}

const frameKey = (cf: CallFrame, category: string) =>
  `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1} [${category}]`;

function ranked(totals: Map<string, number>, totalUs: number): Share[] {
  return [...totals]
    .map(([name, us]) => ({ name, us, share: totalUs > 0 ? us / totalUs : 0 }))
    .sort((a, b) => b.us - a.us || a.name.localeCompare(b.name));
}

/** Each sample's time (its timeDelta) goes to the frame on top of the stack, then to that frame's category. */
export function summarizeProfile(p: CpuProfile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    const d = p.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + d);
    totalUs += d;
  });
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id);
    if (!cf) throw new Error(`cpu profile: sample names node ${id}, which is not in its nodes`);
    const c = categorize(cf);
    byCategory.set(c, (byCategory.get(c) ?? 0) + us);
    const k = frameKey(cf, c);
    byFunction.set(k, (byFunction.get(k) ?? 0) + us);
  }
  return { totalUs, categories: ranked(byCategory, totalUs), functions: ranked(byFunction, totalUs) };
}

/**
 * The main thread's file among node's `CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`: thread 0.
 * (`--import tsx` adds a loader thread with a profile of its own.)
 */
export function mainThreadProfile(files: readonly string[]): string {
  const main = files.filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (main.length !== 1) throw new Error(`cpu profile: expected one main-thread (thread 0) .cpuprofile, found ${main.length} among ${files.length} file(s)`);
  return main[0]!;
}

const pct = (s: number) => `${(100 * s).toFixed(1).padStart(5)} %`;

/** The category table, then the `top` functions by self time: lines to print. */
export function formatSummary(s: ProfileSummary, top: number): string[] {
  const lines = [`${(s.totalUs / 1e6).toFixed(2)} s sampled (main thread)`, ...s.categories.map((c) => `  ${pct(c.share)}  ${c.name}`)];
  if (top > 0) lines.push(`top ${top} functions by self time:`, ...s.functions.slice(0, top).map((f) => `  ${pct(f.share)}  ${f.name}`));
  return lines;
}
