/**
 * What the bench scripts share for their flags: a mistake ends in one line naming the flag
 * (exit 2) before anything starts; any other failure prints its stack (exit 1).
 */
export class BadInput extends Error {}

/** parseArgs' own error (unknown flag, missing value), first line only, as BadInput. */
export function badFlags(err: unknown, hint = ''): BadInput {
  return new BadInput(`${err instanceof Error ? err.message.split('\n')[0] : String(err)}${hint}`);
}

/** `--flag`'s value as a whole number from `min` to `max`; undefined when the flag was not given. */
export function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new BadInput(`--${flag}: expected a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** `--flag`'s comma-separated whole numbers, each from `min` to `max`. */
export function wholeNumbers(flag: string, text: string, min: number, max: number): number[] {
  return text.split(',').map((item) => {
    const n = Number(item.trim());
    if (item.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new BadInput(`--${flag}: expected whole numbers from ${min} to ${max}, got "${item}"`);
    return n;
  });
}

/** Run a script's `main` and exit with its code: BadInput as `name: message` (2), anything else with its stack (1). */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof BadInput) {
        console.error(`${name}: ${err.message}`);
        process.exit(2);
      }
      console.error(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
