import type { ZodError, ZodErrorMap } from 'zod';

/** `BAD_INPUT`: the user's flags, profile or target are wrong (exit 2). `INTERNAL`: a harness bug (exit 1). */
export type LabErrorCode = 'BAD_INPUT' | 'INTERNAL';

/** An error the CLI prints as one line; `BAD_INPUT` exits 2, nothing else is written. */
export class LabError extends Error {
  constructor(readonly code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
  }
}

/** `profile launch: stages[2].users must be ≥ 0, got -5` — the first issue, naming the field. */
export function zodMessage(subject: string, error: ZodError, input?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return `${subject}: invalid`;
  const field = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
  const got = valueAt(input, issue.path);
  const gotText = got === undefined ? '' : `, got ${showValue(got)}`;
  const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  // Custom checks often say what arrived themselves; saying it twice reads as a bug.
  const saysGot = issue.code === 'unrecognized_keys' || /\bgot\b/.test(message);
  return `${subject}: ${field ? `${field} ` : ''}${message}${saysGot ? '' : gotText}`;
}

/** The message of anything thrown: an Error, an error-like object from another realm (vitest's loader), or a value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const m = (err as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(err);
}

const NON_FINITE = /"\\u0000(NaN|Infinity|-Infinity)\\u0000"/g;

/** A value as a message shows it: JSON, except that NaN and ±Infinity keep their names (JSON says null). */
export function showValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'bigint') return `${v}n`;
  const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `\u0000${String(x)}\u0000` : x));
  return json === undefined ? String(v) : json.replace(NON_FINITE, '$1');
}

function valueAt(input: unknown, p: (string | number)[]): unknown {
  let v: unknown = input;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return typeof v === 'function' ? undefined : v;
}

/** Zod's defaults read "Number must be greater than or equal to 0"; ours read "must be ≥ 0". */
export const labErrorMap: ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case 'too_small':
      if (issue.type === 'number') return { message: `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}` };
      if (issue.type === 'array') return { message: `must have at least ${issue.minimum} item(s)` };
      if (issue.type === 'string') return { message: 'must not be empty' };
      break;
    case 'too_big':
      if (issue.type === 'number') return { message: `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}` };
      break;
    case 'invalid_type':
      return { message: issue.received === 'undefined' ? `is required (${issue.expected})` : `must be a ${issue.expected}` };
    case 'invalid_enum_value':
      return { message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` };
    case 'invalid_literal':
      return { message: `must be ${JSON.stringify(issue.expected)}` };
    case 'not_finite':
      return { message: 'must be a finite number' };
    case 'invalid_union_discriminator':
      return { message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}` };
    default:
      break;
  }
  return { message: ctx.defaultError };
};
