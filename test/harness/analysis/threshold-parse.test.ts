import { describe, expect, it } from 'vitest';
import { checkAgainstRun, parseThreshold, scopeText, THRESHOLD_METRICS, THRESHOLD_OPS, ThresholdError, thresholdText } from '../../../harness/analysis/threshold-parse.ts';
import { thresholdObjectSchema } from '../../../profiles/lib/define.ts';

const cli = (text: string) => parseThreshold(text, 'cli');

describe('parseThreshold', () => {
  it('parses the issue\'s three examples', () => {
    expect(cli('p95<300ms')).toEqual({ expression: 'p95<300ms', source: 'cli', target: null, metric: 'p95', op: '<', value: 300, ofOffered: false, unit: 'ms', scope: { kind: 'run' } });
    expect(cli('errors<1%')).toMatchObject({ metric: 'errors', op: '<', value: 1, unit: '%', ofOffered: false });
    expect(cli('rps>=0.9*offered')).toMatchObject({ metric: 'rps', op: '>=', value: 0.9, unit: 'req/s', ofOffered: true });
  });

  it('reads a target, every operator, seconds and each scope', () => {
    expect(cli('express-dev:p95<300ms@stage=3')).toMatchObject({ target: 'express-dev', scope: { kind: 'stage', index: 2 } });
    expect(cli('*:p99<=1.5s@every-stage')).toMatchObject({ target: null, op: '<=', value: 1500, scope: { kind: 'every-stage' } });
    expect(cli('max > 2ms @ run')).toMatchObject({ op: '>', value: 2, scope: { kind: 'run' } });
    expect(cli('rps>50@stage=peak')).toMatchObject({ value: 50, ofOffered: false, scope: { kind: 'stage', name: 'peak' } });
    expect(cli('rps>=offered')).toMatchObject({ value: 1, ofOffered: true });
    expect(cli('P999<2S')).toMatchObject({ metric: 'p999', value: 2000 });
  });

  it('keeps a --url server\'s host:port as the target (the last ":" before the metric splits)', () => {
    expect(cli('127.0.0.1:8080:mean<20ms')).toMatchObject({ target: '127.0.0.1:8080', metric: 'mean', value: 20 });
    expect(cli('[::1]:8080:errors<=0%')).toMatchObject({ target: '[::1]:8080', value: 0 });
  });

  it.each([
    ['', /--assert "": expected \[TARGET:\]METRIC OP VALUE\[@SCOPE\]/],
    ['p95', /--assert "p95": expected/],
    ['p95=300ms', /--assert "p95=300ms": expected/],
    ['p97<300ms', /--assert "p97<300ms": metric must be one of p50, p90, p95, p99, p999, max, mean, rps, errors, got "p97"/],
    ['p95<300', /--assert "p95<300": p95 is a latency: give it in ms or s/],
    ['p95<3%', /p95 is a latency/],
    ['p95<', /p95 needs a value/],
    ['errors<1', /--assert "errors<1": errors is a share of requests: give it in %/],
    ['errors<0.01', /give it in %/],
    ['errors<101%', /at most 100%/],
    ['rps>=0.9*offerd', /rps takes req\/s or a factor of the offered rate/],
    ['rps>=90%', /rps takes req\/s/],
    ['p95<300ms@stage=0', /numbered from 1/],
    ['p95<300ms@stages', /scope must be @run, @every-stage, @stage=N \(from 1\) or @stage=NAME, got "@stages"/],
    ['p95<300ms@', /scope must be/],
    [':p95<300ms', /the target before ":" is empty/],
    ['p95<-3ms', /p95 is a latency/],
  ])('refuses %j in one line naming it', (text, message) => {
    expect(() => cli(text)).toThrow(ThresholdError);
    expect(() => cli(text)).toThrow(message);
    try { cli(text); } catch (e) { expect((e as Error).message).not.toContain('\n'); }
  });

  it('names a profile threshold by its place', () => {
    expect(() => parseThreshold('p95<3', 'profile', 'profile step: thresholds[1]')).toThrow(/^profile step: thresholds\[1\] "p95<3": p95 is a latency/);
  });
});

describe('thresholdText (a profile\'s object form)', () => {
  it('writes the same expression the CLI takes', () => {
    expect(thresholdText({ metric: 'p95', op: '<', value: '300ms', scope: 'every-stage' })).toBe('p95<300ms@every-stage');
    expect(thresholdText({ metric: 'rps', op: '>=', value: 40, target: 'fastify' })).toBe('fastify:rps>=40');
    expect(parseThreshold(thresholdText({ metric: 'errors', op: '<', value: '1%', scope: 'stage=2' }), 'profile')).toMatchObject({ metric: 'errors', scope: { kind: 'stage', index: 1 } });
  });

  it('uses the metric and operator lists the profile schema checks', () => {
    // profiles/ cannot import the harness, so it keeps its own copy: the two must agree.
    const shape = thresholdObjectSchema.shape;
    expect(shape.metric.options).toEqual([...THRESHOLD_METRICS]);
    expect(shape.op.options).toEqual([...THRESHOLD_OPS]);
  });
});

describe('scopeText and checkAgainstRun', () => {
  const run = { targets: ['express-dev', 'fastify'], stages: [{}, { name: 'peak' }, {}] };
  it('reads scopes as messages do', () => {
    expect(['p95<1ms', 'p95<1ms@every-stage', 'p95<1ms@stage=2', 'p95<1ms@stage=peak'].map((e) => scopeText(cli(e).scope))).toEqual(['run', 'every stage', 'stage 2', 'stage peak']);
  });
  it('accepts what the run has', () => {
    expect(['p95<1ms', 'fastify:p95<1ms@stage=3', 'p95<1ms@stage=peak'].map((e) => checkAgainstRun(cli(e), run))).toEqual([null, null, null]);
  });
  it.each([
    ['node-cluster:p95<1ms', '--assert "node-cluster:p95<1ms": no target "node-cluster" in this run (targets: express-dev, fastify)'],
    ['p95<1ms@stage=4', '--assert "p95<1ms@stage=4": the profile has 3 stage(s), got stage=4'],
    ['p95<1ms@stage=ramp', '--assert "p95<1ms@stage=ramp": no stage named "ramp" in the profile (named: peak)'],
  ])('refuses %j', (text, message) => {
    expect(checkAgainstRun(cli(text), run)).toBe(message);
  });
  it('says when the profile names no stage at all', () => {
    expect(checkAgainstRun(cli('p95<1ms@stage=x'), { targets: ['a'], stages: [{}] })).toMatch(/its stages have no names; use stage=N/);
  });
});
