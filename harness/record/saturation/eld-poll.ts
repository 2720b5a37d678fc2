import { Client } from 'undici';
import { ELD_PATH, type EldStats } from '../../../targets/lib/api.ts';

/**
 * Long, because a saturated target answers late and a late answer is exactly the one worth
 * having; polls never overlap, so a slow target costs missing seconds, not a pile of requests.
 */
const POLL_TIMEOUT_MS = 5000;

/** Reads a target's event-loop delay from its admin path, on a connection of its own. */
export interface EldPoller {
  /** Ask now unless the previous poll is still out; `onP99` gets the answer if there is one. */
  poll(onP99: (ms: number) => void): void;
  close(): Promise<void>;
}

export function eldPoller(origin: string): EldPoller {
  const client = new Client(origin, { pipelining: 1, headersTimeout: POLL_TIMEOUT_MS, bodyTimeout: POLL_TIMEOUT_MS, connectTimeout: POLL_TIMEOUT_MS });
  let busy = false;
  let closed = false;
  return {
    poll(onP99) {
      if (busy || closed) return;
      busy = true;
      client.request({ path: ELD_PATH, method: 'GET' })
        .then(async (res) => {
          if (res.statusCode !== 200) return void (await res.body.dump());
          const s = (await res.body.json()) as Partial<EldStats>;
          // No samples means the loop never ticked in the window: no figure rather than a fake 0.
          if (!closed && typeof s.p99 === 'number' && Number.isFinite(s.p99) && s.samples !== 0) onP99(s.p99);
        })
        .catch(() => { /* a missed second, not a failed run */ })
        .finally(() => { busy = false; });
    },
    async close() {
      closed = true;
      await client.destroy().catch(() => {});
    },
  };
}
