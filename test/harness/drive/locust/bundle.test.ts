import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { closedProfileSchema, openProfileSchema } from '../../../../profiles/lib/define.ts';
import { writeBundle } from '../../../../harness/drive/locust/bundle.ts';
import { generateLocustfile } from '../../../../harness/drive/locust/locustfile.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'loadlab-bundle-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = closedProfileSchema.parse({ name: 'b', duration: 30, timeoutMs: 4000, stages: [{ at: 0, users: 10, spawnRate: 5 }] });

describe('writeBundle', () => {
  it('writes the locustfile, executable scripts with the lab\'s own commands, bundle.json and a README', async () => {
    const out = path.join(dir, 'one');
    await writeBundle({ dir: out, profile, profileSource: 'b.ts', workers: 3, target: 'http://127.0.0.1:8080', gitCommit: 'abc123', now: new Date('2026-01-02T03:04:05Z') });
    expect(readFileSync(path.join(out, 'locustfile.py'), 'utf8')).toBe(generateLocustfile(profile));
    const master = readFileSync(path.join(out, 'master.sh'), 'utf8');
    const worker = readFileSync(path.join(out, 'worker.sh'), 'utf8');
    expect(master).toContain('--master --headless --expect-workers 3 --master-bind-host "$MASTER_BIND" --master-bind-port "$MASTER_PORT" --host "$TARGET" --csv logs/locust');
    expect(master).toContain('--stop-timeout 4');
    expect(master).toContain('TARGET="${TARGET:-http://127.0.0.1:8080}"');
    expect(worker).toContain('--worker --master-host "$MASTER_HOST" --master-port "$MASTER_PORT"');
    for (const s of ['master.sh', 'worker.sh']) {
      expect(statSync(path.join(out, s)).mode & 0o111).not.toBe(0);
      await execa('sh', ['-n', path.join(out, s)]);
    }
    const b = JSON.parse(readFileSync(path.join(out, 'bundle.json'), 'utf8'));
    expect(b).toMatchObject({ kind: 'loadlab-locust-bundle', version: 1, workers: 3, target: 'http://127.0.0.1:8080', gitCommit: 'abc123', profile: { name: 'b' } });
    const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
    for (const part of ['## Run', '## Copy back', '## Clocks', 'profile-start.txt', 'requests-<host>-<pid>.log', 'npm run import', 'NTPSynchronized']) expect(readme).toContain(part);
  });

  it('refuses an open-model profile', async () => {
    const open = openProfileSchema.parse({ name: 'o', model: 'open', duration: 5, stages: [{ at: 0, rate: 5 }] });
    await expect(writeBundle({ dir: path.join(dir, 'open'), profile: open, profileSource: 'o', workers: 1, target: null, gitCommit: null, now: new Date() })).rejects.toThrow(/open-model/);
  });
});
