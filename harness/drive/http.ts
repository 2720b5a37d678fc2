import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { Deadlines, type Pending } from './deadlines.ts';
import { H1Pool } from './h1.ts';

export { RequestTimeoutError } from './deadlines.ts';

/**
 * Reads nothing but the status: the body is dropped chunk by chunk as it arrives, with no
 * stream, no promise per chunk and no copy. One small object per request, methods shared.
 *
 * Written to undici's older handler interface (onConnect/onHeaders/…), marked deprecated in
 * its types but still the one its own `request()` uses: undici calls it directly, while the
 * newer one (onRequestStart/onResponseStart/…) goes through a wrapper that also parses every
 * response's headers into an object — ~2 µs more CPU per request, ~10% of the total (bench/).
 * undici is pinned; test/harness/drive/http.test.ts fails loudly if an upgrade drops this interface.
 *
 * The deadline is the lab's own (deadlines.ts), not undici's header/body timeouts: those run
 * on a coarse ~0.5 s tick (a 1 ms timeout never fired, 2,000 ms fired at 2,499 ms).
 */
class StatusOnly implements Dispatcher.DispatchHandler, Pending {
  readonly deadline: number;
  private status = 0;
  private settled = false;
  private abortFn: ((err: Error) => void) | null = null;
  private pending: Error | null = null;

  constructor(
    private readonly resolve: (statusCode: number) => void,
    private readonly reject: (err: Error) => void,
    private readonly deadlines: Deadlines,
    readonly timeoutMs: number,
  ) {
    this.deadline = performance.now() + timeoutMs;
    deadlines.add(this);
  }

  /** Give up on this request now: it rejects with `err` and its connection is closed. */
  fail(err: Error): void {
    if (this.settled) return;
    this.finish();
    this.reject(err);
    if (this.abortFn) this.abortFn(err);
    else this.pending = err;
  }

  private finish(): void {
    this.settled = true;
    this.deadlines.delete(this);
  }

  onConnect(abort: (err?: Error) => void): void {
    // Timed out while still waiting for a connection: abort as soon as undici hands it over.
    if (this.pending) abort(this.pending);
    else this.abortFn = abort;
  }

  // Called again after a 1xx: the last status is the response's.
  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.finish();
    this.resolve(this.status);
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.finish();
    this.reject(err);
  }
}

/** Where a driver sends: the lab's own client (the default) or an undici Client/Pool. */
export type Sender = H1Pool | Dispatcher;

/**
 * A driver's requests in flight, each with its deadline, so the end of a run can cut the ones
 * still out (the drain limit, Ctrl-C) and each fails at once with the reason given.
 */
export class InFlight {
  private readonly deadlines = new Deadlines();

  get size(): number {
    return this.deadlines.size;
  }

  /** `close`: ask for the connection to be closed after this response (a new one for the next request). */
  send(sender: Sender, method: Dispatcher.HttpMethod, path: string, timeoutMs: number, close = false): Promise<number> {
    if (sender instanceof H1Pool) return sender.request(method, path, close, timeoutMs, this.deadlines);
    return dispatch(sender, method, path, timeoutMs, this.deadlines, close);
  }

  /** Every request still in flight rejects with `err`. */
  cut(err: Error): void {
    this.deadlines.failAll(err);
  }
}

function dispatch(dispatcher: Dispatcher, method: Dispatcher.HttpMethod, path: string, timeoutMs: number, deadlines: Deadlines, close = false): Promise<number> {
  return new Promise((resolve, reject) => {
    // 0 turns undici's own coarse timers off: the handler's deadline is the one that counts.
    // reset: undici sends `connection: close` and opens a new connection for the next request.
    dispatcher.dispatch({ method, path, headersTimeout: 0, bodyTimeout: 0, ...(close ? { reset: true } : {}) }, new StatusOnly(resolve, reject, deadlines, timeoutMs));
  });
}

/** Requests sent outside a driver (warm-up, tests) share one deadline keeper. */
const loose = new InFlight();

/**
 * The drivers' request path: send one request, resolve with its status code once the whole
 * response (body included) has arrived, so latency covers the full response as with
 * `request()` + `body.dump()`, for ~20% less CPU per request (bench/, efficiency figure).
 * Rejects with a RequestTimeoutError `timeoutMs` after the call if the response is not complete
 * by then, or with the client's own error (refused, reset, …): `classifyError` reads it.
 * No pipelining: see bench/README.md.
 */
export function sendRequest(sender: Sender, method: Dispatcher.HttpMethod, path: string, timeoutMs: number): Promise<number> {
  return loose.send(sender, method, path, timeoutMs);
}
