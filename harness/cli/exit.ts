import { LabError } from '../errors.ts';

/**
 * Runs a CLI entry and exits with its code: bad input is one line and exit 2, anything unexpected
 * its stack and exit 1 (the codes README's "Exit codes" documents).
 */
export function runCli(main: (argv: string[]) => Promise<number>, name = 'loadlab'): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof LabError && err.code === 'BAD_INPUT') {
        console.error(`${name}: ${err.message}`);
        process.exit(2);
      }
      console.error(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
