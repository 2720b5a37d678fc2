import { describe, expect, it } from 'vitest';
import { categorize, formatSummary, mainThreadProfile, summarizeProfile, type CallFrame, type CpuProfile } from '../../../bench/lib/cpu-profile-summary.ts';

const ROOT = 'file:///work/loadlab';
const frame = (functionName: string, url = '', lineNumber = 0): CallFrame => ({ functionName, url, lineNumber });

describe('categorize: a sample goes by its own frame', () => {
  it.each<[string, CallFrame, string]>([
    ['the event loop waiting in epoll', frame('(idle)'), 'idle'],
    ['the collector', frame('(garbage collector)'), 'gc'],
    ['a native socket write', frame('writeBuffer'), 'socket write'],
    ['a vectored write', frame('writev'), 'socket write'],
    ['a JS function called writev is not the native write', frame('writev', 'node:internal/stream_base_commons'), 'other'],
    ['the lab client', frame('send', `${ROOT}/harness/drive/h1.ts`), 'client JS'],
    ['the lab client classifying a response', frame('classify', `${ROOT}/harness/drive/classify.ts`), 'client JS'],
    ['undici', frame('onData', `${ROOT}/node_modules/undici/lib/dispatcher/client-h1.js`), 'client JS (undici)'],
    ['wasm (llhttp in undici)', frame('llhttp_execute', 'wasm://wasm/0012'), 'wasm'],
    ['autocannon\'s parser', frame('execute', `${ROOT}/node_modules/http-parser-js/http-parser.js`), 'client JS (autocannon)'],
    ['autocannon itself', frame('run', `${ROOT}/node_modules/autocannon/lib/requestIterator.js`), 'client JS (autocannon)'],
    ['the closed driver', frame('user', `${ROOT}/harness/drive/closed.ts`), 'driver JS'],
    ['the open driver\'s arrivals', frame('next', `${ROOT}/harness/drive/arrivals.ts`), 'driver JS'],
    ['a drive file outside both lists', frame('raise', `${ROOT}/harness/drive/fd-limit.ts`), 'other'],
    ['the recorder', frame('record', `${ROOT}/harness/record/recorder.ts`), 'recorder + HDR'],
    ['the HDR histogram', frame('recordValue', `${ROOT}/node_modules/hdr-histogram-js/dist/index.js`), 'recorder + HDR'],
    ['(program)', frame('(program)'), 'program'],
    ['Node internals', frame('onStreamRead', 'node:internal/stream_base_commons'), 'other'],
  ])('%s', (_label, cf, category) => {
    expect(categorize(cf)).toBe(category);
  });
});

describe('summarizeProfile', () => {
  // A tree's interior nodes get no samples: only the frame on top of the stack counts.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('writeBuffer') },
      { id: 4, callFrame: frame('send', `${ROOT}/harness/drive/h1.ts`, 41) },
      { id: 5, callFrame: frame('', `${ROOT}/harness/drive/h1.ts`, 9) },
      { id: 6, callFrame: frame('(garbage collector)') },
    ],
    samples: [2, 3, 2, 4, 5, 6, 2],
    timeDeltas: [500, 200, 100, 50, 30, 20, 100],
  };

  it('gives each sample its own timeDelta, summed by category, largest first', () => {
    const s = summarizeProfile(profile);
    expect(s.totalUs).toBe(1000);
    expect(s.categories).toEqual([
      { name: 'idle', us: 700, share: 0.7 },
      { name: 'socket write', us: 200, share: 0.2 },
      { name: 'client JS', us: 80, share: 0.08 },
      { name: 'gc', us: 20, share: 0.02 },
    ]);
  });

  it('keeps functions apart by name, file and 1-based line', () => {
    expect(summarizeProfile(profile).functions.slice(2, 4)).toEqual([
      { name: 'send drive/h1.ts:42 [client JS]', us: 50, share: 0.05 },
      { name: '(anon) drive/h1.ts:10 [client JS]', us: 30, share: 0.03 },
    ]);
  });

  it('counts a sample with no timeDelta as 0 µs, and an empty profile as no time', () => {
    expect(summarizeProfile({ ...profile, timeDeltas: [500] }).categories).toEqual([{ name: 'idle', us: 500, share: 1 }, expect.objectContaining({ us: 0 }), expect.objectContaining({ us: 0 }), expect.objectContaining({ us: 0 })]);
    expect(summarizeProfile({ nodes: [], samples: [], timeDeltas: [] })).toEqual({ totalUs: 0, categories: [], functions: [] });
  });

  it('refuses a sample of a node the profile does not have', () => {
    expect(() => summarizeProfile({ ...profile, samples: [9], timeDeltas: [1] })).toThrow(/node 9/);
  });

  it('formats the table with one decimal, and the top functions only when asked', () => {
    const s = summarizeProfile(profile);
    expect(formatSummary(s, 0)).toEqual(['0.00 s sampled (main thread)', '   70.0 %  idle', '   20.0 %  socket write', '    8.0 %  client JS', '    2.0 %  gc']);
    expect(formatSummary(s, 1).slice(-2)).toEqual(['top 1 functions by self time:', '   70.0 %  (idle) :1 [idle]']);
  });
});

describe('mainThreadProfile', () => {
  it('picks thread 0 among node --cpu-prof\'s files (tsx adds a loader thread)', () => {
    expect(mainThreadProfile(['CPU.20261129.063151.20397.1.002.cpuprofile', 'CPU.20261129.063151.20397.0.001.cpuprofile', 'result.json']))
      .toBe('CPU.20261129.063151.20397.0.001.cpuprofile');
  });

  it('fails when there is none, or more than one', () => {
    expect(() => mainThreadProfile(['CPU.20261129.063151.20397.1.002.cpuprofile'])).toThrow(/found 0/);
    expect(() => mainThreadProfile(['CPU.1.1.1.0.001.cpuprofile', 'CPU.1.1.2.0.001.cpuprofile'])).toThrow(/found 2/);
  });
});
