import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { freePort } from '../../harness/spawn/start-target.ts';
import { targetProcess, type Fixture } from './fixture.ts';
import { findProgram } from './program.ts';

export const NGINX_MISSING = 'nginx not found (PATH, /usr/sbin): install it with `apt-get install -y nginx-light` (Debian/Ubuntu)';

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2000;
const PORT_TRIES = 3;

export const findNginx = (): string | null => findProgram('nginx', ['/usr/sbin']);

/**
 * One nginx process, no master, one worker: `return 200 "ok"` costs it a few µs a request, less
 * than any generator here, so a max-rate run against it measures the generator (node:http, the
 * other trivial target, is itself the ceiling at 10 connections and more). Keep-alive is never
 * cut: nginx closes a connection after 1000 requests by default, which would charge both
 * generators reconnections that are nginx's policy, not their cost.
 */
export function nginxConfig(dir: string, port: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${path.join(dir, 'body')};
  proxy_temp_path ${path.join(dir, 'proxy')};
  fastcgi_temp_path ${path.join(dir, 'fastcgi')};
  uwsgi_temp_path ${path.join(dir, 'uwsgi')};
  scgi_temp_path ${path.join(dir, 'scgi')};
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "ok"; }
  }
}
`;
}

/** Start nginx on a free loopback port (throws NGINX_MISSING when it is not installed). */
export async function startNginx(bin = findNginx()): Promise<Fixture> {
  if (bin === null) throw new Error(NGINX_MISSING);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loadlab-nginx-'));
  let lastError = '';
  try {
    // nginx cannot listen on port 0 and say which port it got: take a free one, then give it to
    // nginx; another process may take it in between, hence the retries.
    for (let i = 0; i < PORT_TRIES; i++) {
      const port = await freePort();
      const conf = path.join(dir, 'nginx.conf');
      await writeFile(conf, nginxConfig(dir, port));
      const child = execa(bin, ['-p', dir, '-e', 'stderr', '-c', conf], {
        stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, forceKillAfterDelay: STOP_GRACE_MS,
      });
      const target = targetProcess(child, `nginx (${bin})`);
      if (await listening(port, child)) return target.fixture(port, () => rm(dir, { recursive: true, force: true }));
      await target.stop();
      lastError = String((await child).stderr).trim().split('\n').pop() ?? '';
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`nginx did not start on a loopback port in ${PORT_TRIES} tries: ${lastError.slice(0, 200)}`);
}

/** Poll the port until it accepts, the process exits, or the timeout passes. */
async function listening(port: number, child: { exitCode: number | null; signalCode?: string | null }): Promise<boolean> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until && child.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
