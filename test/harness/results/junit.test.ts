import { describe, expect, it } from 'vitest';
import { driveSecondsByTarget, junitXml, xmlEscape } from '../../../harness/results/junit.ts';
import type { ThresholdOutcome } from '../../../harness/results/format.ts';

interface El { name: string; attrs: Record<string, string>; children: El[]; text: string }

/**
 * A strict reader for the XML subset JUnit uses: one root, balanced tags, double-quoted
 * attributes, no raw "<" or "&" in text or attributes, only the five predefined entities.
 * Anything else throws, so the output is checked for well-formedness, not just matched.
 */
function parseXml(xml: string): El {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const unescape = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(s) || /[<]/.test(s)) throw new Error(`unescaped text: ${s}`);
    return s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  };
  const stack: El[] = [{ name: '#doc', attrs: {}, children: [], text: '' }];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    stack.at(-1)!.text += unescape(text);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`bad tag at ${lt}: ${body.slice(lt, lt + 40)}`);
    const [all, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w-]+)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice`);
        attrs[a[1]!] = unescape(a[2]!);
      }
      const el: El = { name, attrs, children: [], text: '' };
      stack.at(-1)!.children.push(el);
      if (!selfClose) stack.push(el);
    }
    i = lt + all.length;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  const roots = stack[0]!.children;
  if (roots.length !== 1 || stack[0]!.text.trim() !== '') throw new Error('expected one root element');
  return roots[0]!;
}

const outcome = (o: Partial<ThresholdOutcome>): ThresholdOutcome => ({
  expression: 'p95<300ms', source: 'cli', target: 'express-dev', metric: 'p95', op: '<', unit: 'ms', scope: 'run', status: 'pass',
  value: 120, limit: 300, stage: null, checks: [{ stage: null, value: 120, limit: 300, pass: true }], message: 'p95 120 ms over the run (limit < 300 ms)', ...o,
});

describe('junitXml', () => {
  const outcomes = [
    outcome({}),
    outcome({ expression: 'errors<1%@every-stage', metric: 'errors', unit: '%', scope: 'every stage', status: 'fail', value: 4, limit: 1, stage: 1,
      checks: [{ stage: 0, value: 0, limit: 1, pass: true }, { stage: 1, value: 4, limit: 1, pass: false }], message: 'errors 4% at stage 2 (limit < 1%)' }),
    outcome({ target: 'flask-dev', status: 'skipped', checks: [], value: null, limit: null, message: 'not judged: the target was skipped' }),
    outcome({ target: 'flask-dev', expression: 'flask-dev:rps>=0.9*offered', status: 'fail', message: 'rps 3 req/s & "quoted" <tag>' }),
  ];
  const root = parseXml(junitXml({ runId: '2026-11-28T21-00-00-tiny', profile: 'tiny', outcomes }));

  it('is testsuites > testsuite (one per target) > testcase (one per threshold), with the counts CI reads', () => {
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toEqual({ name: 'loadlab tiny 2026-11-28T21-00-00-tiny', tests: '4', failures: '2', errors: '0', skipped: '1', time: '0' });
    expect(root.children.map((s) => [s.name, s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped, s.attrs.errors, s.attrs.time])).toEqual([
      ['testsuite', 'express-dev', '2', '1', '0', '0', '0'],
      ['testsuite', 'flask-dev', '2', '1', '1', '0', '0'],
    ]);
    const cases = root.children.flatMap((s) => s.children);
    expect(cases.every((c) => c.name === 'testcase' && Object.keys(c.attrs).sort().join() === 'classname,name,time')).toBe(true);
    expect(cases.map((c) => [c.attrs.name, c.attrs.classname])).toEqual([
      ['p95<300ms', 'loadlab.tiny.express-dev'], ['errors<1%@every-stage', 'loadlab.tiny.express-dev'],
      ['p95<300ms', 'loadlab.tiny.flask-dev'], ['flask-dev:rps>=0.9*offered', 'loadlab.tiny.flask-dev'],
    ]);
  });

  it('a failed threshold holds a <failure> with its message; a skipped one <skipped>; a pass its measurement', () => {
    const [pass, fail, skip, escaped] = root.children.flatMap((s) => s.children);
    expect(pass!.children.map((c) => c.name)).toEqual(['system-out']);
    expect(pass!.children[0]!.text).toContain('p95 120 ms over the run');
    expect(fail!.children.map((c) => [c.name, c.attrs.type, c.attrs.message])).toEqual([['failure', 'threshold', 'errors 4% at stage 2 (limit < 1%)']]);
    expect(fail!.children[0]!.text).toBe('express-dev: errors<1%@every-stage: errors 4% at stage 2 (limit < 1%)\npass  stage 1: errors 0 %, limit < 1 %\nFAIL  stage 2: errors 4 %, limit < 1 %');
    expect(skip!.children.map((c) => [c.name, c.attrs.message])).toEqual([['skipped', 'not judged: the target was skipped']]);
    // <, >, &, " in a message survive the round trip.
    expect(escaped!.children[0]!.attrs.message).toBe('rps 3 req/s & "quoted" <tag>');
  });

  it('times each target\'s testsuite and testcases by its drive (repeats added up), the whole by the sum; a target never driven is 0', () => {
    const driveSeconds = driveSecondsByTarget([
      { name: 'express-dev', driveSeconds: 4.0004 }, { name: 'express-dev', driveSeconds: 3.9 }, { name: 'flask-dev' }, { name: 'unjudged', driveSeconds: 60 },
    ]);
    expect([...driveSeconds.keys()]).toEqual(['express-dev', 'flask-dev', 'unjudged']);
    expect(driveSeconds.get('express-dev')).toBeCloseTo(7.9004, 9);
    expect(driveSeconds.get('flask-dev')).toBe(0);
    const timed = parseXml(junitXml({ runId: 'r', profile: 'tiny', outcomes, driveSeconds }));
    expect(timed.attrs.time).toBe('7.9');
    expect(timed.children.map((s) => [s.attrs.name, s.attrs.time, s.children.map((c) => c.attrs.time).join()])).toEqual([
      ['express-dev', '7.9', '7.9,7.9'],
      ['flask-dev', '0', '0,0'],
    ]);
    // Without the manifest's times (an older run folder): 0, as before.
    expect(root.attrs.time).toBe('0');
  });

  it('with no outcome is still a valid, empty document', () => {
    expect(parseXml(junitXml({ runId: 'r', profile: 'p', outcomes: [] }))).toMatchObject({ name: 'testsuites', attrs: { tests: '0', failures: '0' }, children: [] });
  });

  it('escapes the five characters and drops those XML 1.0 cannot hold', () => {
    expect(xmlEscape(`a<b>&"c"'\u0001\u0008\tx\ny`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;\tx\ny');
  });

  it('the checker refuses what is not well-formed (it is not a rubber stamp)', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/unescaped/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/unescaped/);
    expect(() => parseXml('<a><b></b>')).toThrow(/unclosed/);
  });
});
