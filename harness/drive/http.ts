import type { Dispatcher } from 'undici';

/**
 * Reads nothing but the status: the body is dropped chunk by chunk as it arrives, with no
 * stream, no promise per chunk and no copy. One small object per request, methods shared.
 *
 * Written to undici's older handler interface (onConnect/onHeaders/…), marked deprecated in
 * its types but still the one its own `request()` uses: undici calls it directly, while the
 * newer one (onRequestStart/onResponseStart/…) goes through a wrapper that also parses every
 * response's headers into an object — ~2 µs more CPU per request, ~10% of the total (bench/).
 * undici is pinned; test/harness/http.test.ts fails loudly if an upgrade drops this interface.
 */
class StatusOnly implements Dispatcher.DispatchHandler {
  private status = 0;

  constructor(
    private readonly resolve: (statusCode: number) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  onConnect(): void {}

  // Called again after a 1xx: the last status is the response's.
  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.resolve(this.status);
  }

  onError(err: Error): void {
    this.reject(err);
  }
}

/**
 * The drivers' request path: send one request, resolve with its status code once the whole
 * response (body included) has arrived, so latency covers the full response as with
 * `request()` + `body.dump()`, for ~20% less CPU per request (bench/, efficiency figure).
 * Rejects with undici's own error (headers or body slower than `timeoutMs`, refused, reset, …):
 * `classifyError` reads it. No pipelining: see bench/README.md.
 */
export function sendRequest(dispatcher: Dispatcher, method: Dispatcher.HttpMethod, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch({ method, path, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, new StatusOnly(resolve, reject));
  });
}
