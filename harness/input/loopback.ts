import { isIP } from 'node:net';
import { LabError } from '../errors.ts';

/** True for 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and the name `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) {
    if (host === '::1') return true;
    // IPv4-mapped 127.x; WHATWG URL rewrites it to hex (::ffff:7f00:1).
    return /^::ffff:127\.\d+\.\d+\.\d+$/.test(host) || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
  }
  return false;
}

/**
 * A load generator pointed at someone else's server is an attack, not a benchmark:
 * only loopback passes unless the user said `--allow-remote` on purpose.
 */
export function assertLoopbackUrl(url: string, allowRemote: boolean): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LabError('BAD_INPUT', `refusing to send load to "${url}": not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new LabError('BAD_INPUT', `refusing to send load to ${url}: expected an http:// or https:// URL, got ${u.protocol}`);
  }
  if (!allowRemote && !isLoopbackHost(u.hostname)) {
    throw new LabError('BAD_INPUT', `refusing to send load to ${u.host}: not a loopback address (127.0.0.0/8, ::1, localhost); pass --allow-remote only for a server you own`);
  }
  return u;
}
