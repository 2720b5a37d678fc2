import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { SideResult, SideSpec } from './side-types.ts';

const ENTRY = fileURLToPath(new URL('../side.ts', import.meta.url));
/** Beyond warm-up + run: process start-up, connection set-up, in-flight requests at the end. */
const SLACK_S = 60;

/** Run one generator in a fresh child process; its CPU time is measured inside it. */
export async function runSide(spec: SideSpec): Promise<SideResult> {
  const r = await execa(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(spec)], {
    stdin: 'ignore', stderr: 'inherit', reject: false,
    timeout: (spec.warmupSeconds + spec.seconds + SLACK_S) * 1000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.exitCode !== 0 || !last.startsWith('{')) {
    throw new Error(`bench side ${spec.kind} failed (${r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`}): ${last.slice(0, 200)}`);
  }
  return JSON.parse(last) as SideResult;
}
