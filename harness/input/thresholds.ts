import type { Profile } from '../../profiles/lib/define.ts';
import { checkAgainstRun, parseThreshold, ThresholdError, thresholdText, type Threshold } from '../analysis/threshold-parse.ts';
import { LabError } from '../errors.ts';

/** Parse with the grammar; its one-line refusal becomes bad input (exit 2). */
function parse(text: string, source: Threshold['source'], label: string): Threshold {
  try {
    return parseThreshold(text, source, label);
  } catch (err) {
    if (err instanceof ThresholdError) throw new LabError('BAD_INPUT', err.message, { cause: err });
    throw err;
  }
}

/** A profile's `thresholds` (expressions or objects), each checked against the grammar; `subject` is "profile NAME". */
export function profileThresholds(profile: Pick<Profile, 'thresholds'>, subject: string): Threshold[] {
  return (profile.thresholds ?? []).map((t, i) => parse(typeof t === 'string' ? t : thresholdText(t), 'profile', `${subject}: thresholds[${i}]`));
}

/** Each `--assert` expression. */
export const cliThresholds = (expressions: readonly string[]): Threshold[] => expressions.map((e) => parse(e, 'cli', '--assert'));

/** Refuse, before any load is sent, a threshold naming a target or stage the run will not have. */
export function checkThresholds(thresholds: readonly Threshold[], run: { targets: readonly string[]; stages: readonly { name?: string | undefined }[] }, profileName: string): void {
  for (const t of thresholds) {
    const problem = checkAgainstRun(t, run, t.source === 'cli' ? '--assert' : `profile ${profileName}: threshold`);
    if (problem) throw new LabError('BAD_INPUT', problem);
  }
}
