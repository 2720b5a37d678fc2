/**
 * `--generators 1` against `--generators 2`, end to end: `npm run lab` on fastify-hello, the two
 * settings in alternating order per turn, each run under the shared heavy lock on its own (so the
 * lock is held ~15 s at a time). Prints one row per run and the medians; writes
 * bench/results/generators.json.
 *
 *   npx tsx bench/generators.ts [--model closed|open] [--users 50] [--rate 20000] [--turns 3] [--seconds 10] [--max 2]
 *
 * On a 2-core machine the target (one Node process) shares the cores with the generator threads:
 * a second generator thread can only help while a core has time to spare.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOCK = '/tmp/loadlab-heavy.lock';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'closed' }, users: { type: 'string', default: '50' }, rate: { type: 'string', default: '20000' }, 'in-flight': { type: 'string', default: '50' }, turns: { type: 'string', default: '3' }, seconds: { type: 'string', default: '10' }, max: { type: 'string', default: '2' } } });
const model = values.model === 'open' ? 'open' : 'closed';
const seconds = Math.min(60, Number(values.seconds));
const turns = Math.min(10, Number(values.turns));
const counts = Array.from({ length: Math.min(4, Number(values.max)) }, (_, i) => i + 1);

const define = path.join(ROOT, 'profiles/lib/define.ts');
const profileSource = model === 'closed'
  ? `import { constant, defineProfile } from '${define}';
export default defineProfile({ name: 'gens-closed', description: '${values.users} users, no think time', wait: constant(0), stages: [{ at: 0, users: ${Number(values.users)}, spawnRate: 1000 }], duration: ${seconds}, warmupSeconds: 2, timeoutMs: 5000 });\n`
  : `import { defineProfile } from '${define}';
export default defineProfile({ name: 'gens-open', model: 'open', description: '${values.rate} req/s', stages: [{ at: 0, rate: ${Number(values.rate)} }], duration: ${seconds}, maxInFlight: ${Number(values['in-flight'])}, warmupSeconds: 2, timeoutMs: 5000 });\n`;

interface Row { turn: number; generators: number; rps: number; p50: number | null; p99: number | null; cpuUsPerReq: number | null; serverCpuPct: number | null; threadElu: (number | null)[]; dropped: number | null; maxLagMs: number | null; limited: string | null; validity: string }

const mean = (xs: (number | null)[]) => { const v = xs.filter((x): x is number => x !== null); return v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100 : null; };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function one(dir: string, file: string, turn: number, generators: number): Promise<Row> {
  const out = path.join(dir, `t${turn}-g${generators}`);
  await run('flock', [LOCK, process.execPath, '--import', 'tsx', 'harness/cli/main.ts', '--targets', 'fastify-hello', '--profile', file, '--generators', String(generators), '--out', out], { cwd: ROOT, maxBuffer: 1 << 24 }).catch(() => { /* a verdict's exit code; the files say what happened */ });
  const json = async <T>(...p: string[]) => JSON.parse(await readFile(path.join(out, ...p), 'utf8')) as T;
  const summary = await json<{ targets: { stages: { rps: number; p50: number | null; p99: number | null }[]; validity?: { verdict: string; why: string[] } }[] }>('summary.json');
  const manifest = await json<{ targets: { generator?: { cpuPerRequestMs?: number | null; limited?: { stage: number; reason: string }[] }; openDrive?: { dropped: number; maxLagMs: number } }[] }>('manifest.json');
  const sat = await json<{ cpuPct: number | null }[]>('fastify-hello', 'saturation.json');
  const threads = generators > 1 ? await json<{ threads: { rows: { elu: number | null }[] }[] }>('fastify-hello', 'generators.json') : null;
  const t = summary.targets[0]!, m = manifest.targets[0]!, s = t.stages[0]!;
  return {
    turn, generators, rps: s.rps, p50: s.p50, p99: s.p99,
    cpuUsPerReq: m.generator?.cpuPerRequestMs == null ? null : Math.round(m.generator.cpuPerRequestMs * 1000 * 10) / 10,
    serverCpuPct: mean(sat.map((r) => r.cpuPct)), threadElu: threads ? threads.threads.map((x) => mean(x.rows.map((r) => r.elu))) : [],
    dropped: m.openDrive?.dropped ?? null, maxLagMs: m.openDrive?.maxLagMs ?? null,
    limited: m.generator?.limited?.length ? m.generator.limited.map((l) => `stage ${l.stage + 1}`).join(', ') : null,
    validity: t.validity ? `${t.validity.verdict}${t.validity.why.length ? `: ${t.validity.why.join(' | ')}` : ''}` : '–',
  };
}

const dir = await mkdtemp(path.join(tmpdir(), 'loadlab-bench-gens-'));
const rows: Row[] = [];
try {
  const file = path.join(dir, 'profile.ts');
  await writeFile(file, profileSource);
  for (let turn = 1; turn <= turns; turn++) {
    const order = turn % 2 ? counts : [...counts].reverse();
    for (const g of order) {
      const r = await one(dir, file, turn, g);
      rows.push(r);
      console.log(`turn ${turn} --generators ${g}: ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, generator CPU ${r.cpuUsPerReq} µs/req, server CPU ${r.serverCpuPct}%${r.threadElu.length ? `, thread ELU ${r.threadElu.join(' / ')}` : ''}${r.dropped !== null ? `, dropped ${r.dropped}, max lag ${r.maxLagMs} ms` : ''}${r.limited ? `, generator the limit at ${r.limited}` : ''}; ${r.validity}`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const what = model === 'closed' ? `closed, ${values.users} users, no think time` : `open, ${values.rate} req/s, ${values['in-flight']} in flight`;
console.log(`\nfastify-hello, ${what}, ${seconds} s per run, ${turns} turns (medians):`);
console.log('| generators | req/s | p50 ms | p99 ms | generator CPU µs/req | server CPU % |');
console.log('|---|---|---|---|---|---|');
for (const g of counts) {
  const rs = rows.filter((r) => r.generators === g);
  const med = (f: (r: Row) => number | null) => { const v = rs.map(f).filter((x): x is number => x !== null); return v.length ? Math.round(median(v) * 100) / 100 : '–'; };
  console.log(`| ${g} | ${med((r) => r.rps)} | ${med((r) => r.p50)} | ${med((r) => r.p99)} | ${med((r) => r.cpuUsPerReq)} | ${med((r) => r.serverCpuPct)} |`);
}
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/generators.json'), `${JSON.stringify({ date: new Date().toISOString(), model: what, seconds, rows }, null, 2)}\n`);
