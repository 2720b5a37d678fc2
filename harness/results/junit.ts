import type { TargetEntry, ThresholdOutcome } from './format.ts';

/** XML 1.0 text: the five special characters escaped, characters XML cannot hold at all dropped. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const attrs = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');

/** What a failed check says, one line per stage (or the run) it covered. */
function details(o: ThresholdOutcome): string {
  const where = (s: number | null) => (s === null ? 'run' : `stage ${s + 1}`);
  const lines = o.checks.map((c) => `${c.pass ? 'pass' : 'FAIL'}  ${where(c.stage)}: ${o.metric} ${c.value ?? 'not measured'} ${o.unit}, limit ${o.op} ${c.limit ?? 'unknown'} ${o.unit}`);
  return [`${o.target}: ${o.expression}: ${o.message}`, ...lines].join('\n');
}

function testcase(o: ThresholdOutcome, classname: string, time: number): string {
  const head = `    <testcase${attrs({ name: o.expression, classname, time })}`;
  if (o.status === 'fail') return `${head}>\n      <failure${attrs({ message: o.message, type: 'threshold' })}>${xmlEscape(details(o))}</failure>\n    </testcase>`;
  if (o.status === 'skipped') return `${head}>\n      <skipped${attrs({ message: o.message })}/>\n    </testcase>`;
  return `${head}>\n      <system-out>${xmlEscape(details(o))}</system-out>\n    </testcase>`;
}

/**
 * Seconds each target was driven (manifest `targets[].driveSeconds`), its repeats added up; a
 * target never driven (skipped, failed to start, older run folder) has none, so 0.
 */
export function driveSecondsByTarget(targets: readonly Pick<TargetEntry, 'name' | 'driveSeconds'>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of targets) out.set(t.name, (out.get(t.name) ?? 0) + (t.driveSeconds ?? 0));
  return out;
}

const seconds = (s: number) => Math.round(s * 1000) / 1000;

/**
 * JUnit XML for CI: one <testsuite> per target, one <testcase> per threshold judged for it
 * (name = the expression, classname = loadlab.PROFILE.TARGET); a failed one holds a <failure>
 * with the measured value and the limit. Times are the target's drive (`driveSeconds`): each
 * testcase judged that whole drive, the testsuite took it once (not the sum of its testcases),
 * the testsuites element is the sum of its testsuites.
 */
export function junitXml(o: { runId: string; profile: string; outcomes: readonly ThresholdOutcome[]; driveSeconds?: ReadonlyMap<string, number> }): string {
  const targets = [...new Set(o.outcomes.map((x) => x.target))];
  const count = (xs: readonly ThresholdOutcome[], s: ThresholdOutcome['status']) => xs.filter((x) => x.status === s).length;
  const timeOf = (target: string) => seconds(o.driveSeconds?.get(target) ?? 0);
  const suites = targets.map((target) => {
    const cases = o.outcomes.filter((x) => x.target === target);
    const classname = `loadlab.${o.profile}.${target}`;
    const time = timeOf(target);
    return `  <testsuite${attrs({ name: target, tests: cases.length, failures: count(cases, 'fail'), errors: 0, skipped: count(cases, 'skipped'), time })}>\n${cases.map((c) => testcase(c, classname, c.status === 'skipped' ? 0 : time)).join('\n')}\n  </testsuite>`;
  });
  const all = o.outcomes;
  const total = seconds(targets.reduce((sum, t) => sum + timeOf(t), 0));
  const head = `<testsuites${attrs({ name: `loadlab ${o.profile} ${o.runId}`, tests: all.length, failures: count(all, 'fail'), errors: 0, skipped: count(all, 'skipped'), time: total })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
