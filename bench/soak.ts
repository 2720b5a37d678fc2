/**
 * Soak: a long closed-model step lab against express-cluster, run through the real CLI.
 * Prints the harness's RSS at 1 minute and at the end, and fails if any target process
 * outlives the lab. Not a test: ten minutes by default.
 *
 *   npx tsx bench/soak.ts              # 600 s
 *   npx tsx bench/soak.ts --seconds 40 # a short proof that it works
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { isAlive } from '../harness/spawn/start-target.ts';
import { targetProcesses, watchTree, type SeenProcess } from '../test/helpers/process-tree.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_EVERY_MS = 1000;
const ORPHAN_GRACE_MS = 3000;

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '600' }, target: { type: 'string', default: 'express-cluster' } } });
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 10 || seconds > 3600) {
  console.error(`soak: --seconds must be a whole number from 10 to 3600, got ${values.seconds}`);
  process.exit(2);
}

// Eight steps of +5 users, the last one held: load rises past a 4-worker cluster's capacity and stays there.
const steps = 8;
const every = Math.max(1, Math.floor(seconds / steps));
const tmp = mkdtempSync(path.join(tmpdir(), 'loadlab-soak-'));
const profileFile = path.join(tmp, 'soak.ts');
writeFileSync(profileFile, `import { between, defineProfile, step } from ${JSON.stringify(path.join(ROOT, 'profiles/lib/define.ts'))};
export default defineProfile({
  name: 'soak',
  description: 'Soak: +5 users every ${every} s, ${steps} steps (${seconds} s)',
  wait: between(0.5, 1),
  stages: step({ users: 5, everySeconds: ${every}, steps: ${steps} }),
  duration: ${seconds},
});
`);

const out = path.join(tmp, 'run');
const lab = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', '--profile', profileFile, '--targets', values.target!, '--out', out], {
  cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
});
const exited = new Promise<number>((resolve) => lab.once('exit', (code) => resolve(code ?? 1)));
// Leaving early (Ctrl-C here) still must not leave the lab behind; it cleans up its own targets.
process.once('SIGINT', () => lab.kill('SIGINT'));

const rssMiB = (pid: number): number | null => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 102.4) / 10 : null;
  } catch {
    return null;
  }
};

const t0 = Date.now();
// Every process under the lab, sampled often enough to catch short-lived ones too.
const tree = watchTree(lab.pid!, 200);
let atMinute: number | null = null;
let last: number | null = null;
let peak = 0;
let labDone = false;
void exited.then(() => { labDone = true; });
while (!labDone) {
  const rss = rssMiB(lab.pid!);
  if (rss !== null) {
    last = rss;
    peak = Math.max(peak, rss);
    if (atMinute === null && Date.now() - t0 >= 60_000) {
      atMinute = rss;
      console.log(`\nsoak: harness RSS at 1 min: ${rss} MiB`);
    }
  }
  await Promise.race([delay(SAMPLE_EVERY_MS), exited]);
}
const code = await exited;
const seen: SeenProcess[] = await tree.stop();
// Target processes: the servers the lab started and their workers; not the lab's machinery
// (each target's watchdog, esbuild started by tsx, ps).
const targets = targetProcesses(seen, lab.pid!);

const deadline = Date.now() + ORPHAN_GRACE_MS;
let survivors = seen.map((p) => p.pid).filter(isAlive);
while (survivors.length > 0 && Date.now() < deadline) {
  await delay(100);
  survivors = survivors.filter(isAlive);
}

const fmt = (v: number | null) => (v === null ? 'n/a (run shorter than 1 min)' : `${v} MiB`);
console.log(`\nsoak: ${seconds} s against ${values.target}, lab exit code ${code}, wall ${Math.round((Date.now() - t0) / 1000)} s`);
console.log(`soak: harness RSS at 1 min ${fmt(atMinute)}, at the end ${fmt(last)}, peak ${peak} MiB${atMinute && last ? ` (end/1-min ${(last / atMinute).toFixed(2)}×)` : ''}`);
console.log(`soak: target processes seen ${targets.length} (servers and their workers); other processes under the lab ${seen.length - targets.length} (watchdogs, esbuild, ps)`);
console.log(`soak: processes still alive ${ORPHAN_GRACE_MS / 1000} s after exit: ${survivors.length ? survivors.join(', ') : 'none'}`);
for (const pid of survivors) {
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}
console.log(`soak: run folder kept in ${out}`);
rmSync(profileFile, { force: true });
process.exit(survivors.length > 0 ? 1 : code);
