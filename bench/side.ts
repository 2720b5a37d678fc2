import type { SideResult, SideSpec } from './lib/side-types.ts';
import { runAutocannonSide } from './lib/sides/autocannon.ts';
import { runLabSide } from './lib/sides/lab.ts';

/**
 * Child-process entry: runs one generator described by the JSON in argv[2] and prints its
 * SideResult as the last stdout line. One generator per process keeps CPU accounting clean.
 */
async function main(): Promise<SideResult> {
  const spec = JSON.parse(process.argv[2] ?? '') as SideSpec;
  return spec.kind === 'autocannon' ? runAutocannonSide(spec) : runLabSide(spec);
}

main().then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(`bench side: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
