import { readFileSync } from 'node:fs';

const LISTEN = '0A';
const WILDCARD = /^0+$/;

/**
 * Wildcard addresses (0.0.0.0, ::) with a TCP socket listening on `port`, read from
 * /proc/net/tcp and tcp6 (`local_address` is hex `ADDR:PORT`, `st` 0A is LISTEN).
 * Empty where /proc is not there to read.
 */
export function wildcardListeners(port: number, files: Record<string, string> = readTables()): string[] {
  const found = new Set<string>();
  for (const [name, text] of Object.entries(files)) {
    for (const line of text.split('\n').slice(1)) {
      const [, local, , st] = line.trim().split(/\s+/);
      if (!local || st !== LISTEN) continue;
      const [addr, hexPort] = local.split(':');
      if (addr && WILDCARD.test(addr) && parseInt(hexPort ?? '', 16) === port) found.add(name === 'tcp6' ? '::' : '0.0.0.0');
    }
  }
  return [...found];
}

function readTables(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['tcp', 'tcp6']) {
    try { out[name] = readFileSync(`/proc/net/${name}`, 'utf8'); } catch { /* no IPv6, or no /proc */ }
  }
  return out;
}
