import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import { findNginx, NGINX_MISSING, nginxConfig, startNginx } from '../../../bench/lib/nginx.ts';
import { gone } from '../../helpers/pids.ts';

describe('nginxConfig', () => {
  const conf = nginxConfig('/tmp/x', 41234);

  it('listens on loopback only, on the port given', () => {
    expect(conf).toMatch(/listen 127\.0\.0\.1:41234;/);
    expect(conf.match(/listen /g)).toHaveLength(1);
  });

  it('is one process that never cuts keep-alive (nginx closes after 1000 requests by default)', () => {
    expect(conf).toMatch(/master_process off;/);
    expect(conf).toMatch(/worker_processes 1;/);
    expect(Number(/keepalive_requests (\d+);/.exec(conf)?.[1])).toBeGreaterThanOrEqual(1e9);
  });

  it('writes its pid, logs and temp files under its own folder, not /var', () => {
    for (const path of conf.match(/\/\S+(?=;)/g) ?? []) expect(path.startsWith('/tmp/x/')).toBe(true);
    expect(conf).toMatch(/access_log off;/);
  });
});

describe('startNginx when nginx cannot start', () => {
  it('tries a few ports, then says so in one error, leaving no temp folder', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('loadlab-nginx-')).length;
    await expect(startNginx('/bin/false')).rejects.toThrow(/nginx did not start on a loopback port in 3 tries/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('loadlab-nginx-')).length).toBeLessThanOrEqual(before);
  });
});

// Needs Debian's nginx-light (.ci/run installs it): a skip here would be a failure.
describe('startNginx (real nginx on a loopback port)', () => {
  it('answers "ok" on one keep-alive connection past 1000 requests, and stops without a trace', async () => {
    if (findNginx() === null) throw new Error(NGINX_MISSING);
    const fx = await startNginx();
    let connects = 0;
    const client = new Client(fx.origin, { pipelining: 1 });
    client.on('connect', () => connects++);
    try {
      expect(fx.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      for (let i = 0; i < 1200; i++) {
        const r = await client.request({ path: '/', method: 'GET' });
        expect(r.statusCode).toBe(200);
        expect(await r.body.text()).toBe('ok');
      }
      expect(connects).toBe(1);
      expect(await fx.cpuMs()).toBeGreaterThan(0);
    } finally {
      await client.close();
      await fx.stop();
    }
    expect(await gone(fx.pid)).toBe(true);
  });
});
