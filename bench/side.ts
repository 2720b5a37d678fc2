import { getOneMessage, sendMessage } from 'execa';
import type { SideResult, SideRunner, SideSpec } from './lib/side-types.ts';
import { autocannonSide } from './lib/sides/autocannon.ts';
import { labSide } from './lib/sides/lab.ts';

/**
 * Child-process entry: one generator per process keeps CPU accounting clean.
 *   side.ts SPEC          warm up, run `spec.seconds`, print the SideResult as the last stdout line
 *   side.ts SPEC --serve  warm up, then run one slice per IPC message `{ seconds, rate? }` until `null`,
 *                         answering each with its SideResult (the parent interleaves generators)
 */
async function main(): Promise<SideResult | null> {
  const spec = JSON.parse(process.argv[2] ?? '') as SideSpec;
  const side: SideRunner = spec.kind === 'autocannon' ? autocannonSide(spec) : labSide(spec);
  await side.warmUp();
  if (process.argv[3] !== '--serve') return side.run(spec.seconds);
  await sendMessage('ready');
  for (;;) {
    const msg = (await getOneMessage()) as { seconds: number; rate?: number } | null;
    if (msg === null) return null;
    await sendMessage(JSON.stringify(await side.run(msg.seconds, msg.rate)));
  }
}

main().then(
  (r) => {
    if (r) process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(`bench side: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
