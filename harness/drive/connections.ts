import { Client, Pool } from 'undici';
import { H1Pool } from './h1.ts';
import type { Sender } from './http.ts';

/** Which HTTP client a driver sends with. */
export type HttpClient = 'lab' | 'undici';

/**
 * Up to `max` keep-alive connections to `origin` for one driver (closed: one per user; open:
 * the in-flight cap). Both clients time requests out by the lab's own deadlines (http.ts),
 * so undici's coarse header/body timers are off; `connectTimeoutMs` bounds undici's connect.
 */
export function connections(origin: string, max: number, connectTimeoutMs: number, client: HttpClient = 'lab'): Sender {
  if (client === 'lab') return new H1Pool(origin, max);
  const options = { pipelining: 1, headersTimeout: 0, bodyTimeout: 0, connectTimeout: connectTimeoutMs };
  return max === 1 ? new Client(origin, options) : new Pool(origin, { ...options, connections: max });
}
