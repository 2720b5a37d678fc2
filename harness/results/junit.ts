import type { ThresholdOutcome } from './format.ts';

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

function testcase(o: ThresholdOutcome, classname: string): string {
  const head = `    <testcase${attrs({ name: o.expression, classname, time: 0 })}`;
  if (o.status === 'fail') return `${head}>\n      <failure${attrs({ message: o.message, type: 'threshold' })}>${xmlEscape(details(o))}</failure>\n    </testcase>`;
  if (o.status === 'skipped') return `${head}>\n      <skipped${attrs({ message: o.message })}/>\n    </testcase>`;
  return `${head}>\n      <system-out>${xmlEscape(details(o))}</system-out>\n    </testcase>`;
}

/**
 * JUnit XML for CI: one <testsuite> per target, one <testcase> per threshold judged for it
 * (name = the expression, classname = loadlab.PROFILE.TARGET); a failed one holds a <failure>
 * with the measured value and the limit. Times are 0: a threshold is judged, not run.
 */
export function junitXml(o: { runId: string; profile: string; outcomes: readonly ThresholdOutcome[] }): string {
  const targets = [...new Set(o.outcomes.map((x) => x.target))];
  const count = (xs: readonly ThresholdOutcome[], s: ThresholdOutcome['status']) => xs.filter((x) => x.status === s).length;
  const suites = targets.map((target) => {
    const cases = o.outcomes.filter((x) => x.target === target);
    const classname = `loadlab.${o.profile}.${target}`;
    return `  <testsuite${attrs({ name: target, tests: cases.length, failures: count(cases, 'fail'), errors: 0, skipped: count(cases, 'skipped'), time: 0 })}>\n${cases.map((c) => testcase(c, classname)).join('\n')}\n  </testsuite>`;
  });
  const all = o.outcomes;
  const head = `<testsuites${attrs({ name: `loadlab ${o.profile} ${o.runId}`, tests: all.length, failures: count(all, 'fail'), errors: 0, skipped: count(all, 'skipped'), time: 0 })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
