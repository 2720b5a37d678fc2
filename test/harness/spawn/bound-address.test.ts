import { describe, expect, it } from 'vitest';
import { wildcardListeners } from '../../../harness/spawn/bound-address.ts';

const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, st: string) => `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n`;

describe('wildcardListeners (/proc/net/tcp, tcp6)', () => {
  it('finds 0.0.0.0 and :: listeners on the port, and nothing else', () => {
    const tcp = head + row('00000000:1F90', '0A') + row('0100007F:1F91', '0A') + row('00000000:1F92', '01');
    const tcp6 = head + row('00000000000000000000000000000000:1F90', '0A');
    expect(wildcardListeners(8080, { tcp, tcp6 })).toEqual(['0.0.0.0', '::']);
    expect(wildcardListeners(8081, { tcp, tcp6 })).toEqual([]);
    expect(wildcardListeners(8082, { tcp, tcp6 })).toEqual([]);
  });
});
