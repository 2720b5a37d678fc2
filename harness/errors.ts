import type { ZodError, ZodErrorMap } from 'zod';

export type LabErrorCode = 'BAD_INPUT' | 'TARGET_FAILED' | 'INTERRUPTED' | 'INTERNAL';

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
  const gotText = got === undefined ? '' : `, got ${JSON.stringify(got)}`;
  const message = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  // Custom checks often say what arrived themselves; saying it twice reads as a bug.
  const saysGot = issue.code === 'unrecognized_keys' || /\bgot\b/.test(message);
  return `${subject}: ${field ? `${field} ` : ''}${message}${saysGot ? '' : gotText}`;
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
