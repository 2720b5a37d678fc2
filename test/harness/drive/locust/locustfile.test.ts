import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { closedProfileSchema, constantPacing, type ClosedProfile } from '../../../../profiles/lib/define.ts';
import { discoverProfiles } from '../../../../harness/input/discover.ts';
import { usersAt } from '../../../../harness/analysis/schedule.ts';
import { generateLocustfile } from '../../../../harness/drive/locust/locustfile.ts';
import { LabError } from '../../../../harness/errors.ts';

// Debian's interpreter, where python3-locust lives (the one on PATH may be a pyenv without it).
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-locustfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads each locustfile, samples its shape's tick() at the given times, prints [file, [tick or null, …]] per line. */
const SAMPLER = `
import importlib.util, json, sys
times = json.loads(sys.argv[1])
for f in sys.argv[2:]:
    spec = importlib.util.spec_from_file_location("lf", f)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    shape = m.LabShape()
    out = []
    for t in times:
        shape.get_run_time = lambda t=t: t
        tick = shape.tick()
        out.append(None if tick is None else list(tick))
    print(json.dumps([f, out, m.LabUser.wait_time.__name__ if hasattr(m.LabUser.wait_time, "__name__") else "", [n for n in dir(m.LabUser) if n.startswith("task_")]]))
`;

const multiTask: ClosedProfile = closedProfileSchema.parse({
  name: 'multi', duration: 20, wait: constantPacing(1), connection: 'close', timeoutMs: 1500,
  tasks: [{ name: 'index', path: '/' }, { name: 'item "x"', method: 'POST', path: '/items?a=1', weight: 3 }],
  stages: [{ at: 0, users: 7, spawnRate: 3 }, { at: 5, users: 2, spawnRate: 0.5 }, { at: 12.5, users: 30, spawnRate: 4 }],
});

describe('generateLocustfile', async () => {
  const shipped = await discoverProfiles();
  const closed = [...shipped.map((f) => f.profile).filter((p): p is ClosedProfile => p.model === 'closed'), multiTask];

  it('refuses an open-model profile with one line naming it', () => {
    const open = shipped.find((f) => f.profile.model === 'open')!.profile;
    expect(() => generateLocustfile(open)).toThrow(LabError);
    expect(() => generateLocustfile(open)).toThrow(new RegExp(`profile ${open.name} is open-model.*closed profiles only`));
  });

  it('writes the wait, the weighted tasks, the timeout and the connection mode', () => {
    const text = generateLocustfile(multiTask);
    expect(text).toContain('wait_time = constant_pacing(1)');
    expect(text).toContain('@task(3)\n    def task_1_item__x_(self):\n        self._send("POST", "/items?a=1", "item \\"x\\"")');
    expect(text).toContain('@task(1)\n    def task_0_index(self):');
    expect(text).toContain('TIMEOUT_S = 1.5');
    expect(text).toContain('CONNECTION = "close"');
    expect(generateLocustfile(closed[0]!)).toBe(generateLocustfile(closed[0]!));
  });

  it(`every shipped closed profile (${closed.map((p) => p.name).join(', ')}) compiles, and its shape's tick() is the lab's usersAt`, async () => {
    expect(closed.length).toBeGreaterThanOrEqual(4);
    const files = closed.map((p) => {
      const file = path.join(dir, `${p.name}.py`);
      writeFileSync(file, generateLocustfile(p));
      return file;
    });
    await execa(PYTHON, ['-m', 'py_compile', ...files]);
    // Every 0.1 s (ramps and stage edges included) past the end, where the shape must stop (None).
    const longest = Math.max(...closed.map((p) => p.duration));
    const times = Array.from({ length: Math.round(longest * 10) + 5 }, (_, i) => Math.round(i) / 10);
    const { stdout } = await execa(PYTHON, ['-c', SAMPLER, JSON.stringify(times), ...files], { cwd: dir, env: { LOADLAB_LOG_DIR: dir } });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as [string, ([number, number] | null)[], string, string[]]);
    expect(lines).toHaveLength(closed.length);
    for (const [i, p] of closed.entries()) {
      const [, ticks, , tasks] = lines[i]!;
      const want = times.map((t) => (t >= p.duration ? null : usersAt(p.stages, t)));
      expect(ticks.map((x) => (x === null ? null : x[0])), p.name).toEqual(want);
      // The spawn rate is the active stage's.
      const t = p.stages[p.stages.length - 1]!.at;
      expect(ticks[Math.round(t * 10)]![1], p.name).toBe(p.stages[p.stages.length - 1]!.spawnRate);
      expect(tasks, p.name).toHaveLength(p.tasks.length);
    }
  }, 60_000);
});
