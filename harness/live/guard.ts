import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 128 random bits, URL-safe: the secret part of the printed URL. */
export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Constant-time comparison. Both sides are hashed first, so neither the content nor the length
 * of the token leaks through how long a refusal takes.
 */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 reaches this
 * server with `Host: evil.example:PORT`. Only the names the lab prints are let in.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** A request a browser marks as cross-origin (its Origin header) is refused; no Origin (same-origin GET, curl) is fine. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** The token as a request carries it: the first segment of its path (`/TOKEN/…`), so every relative link of the page carries it too. */
export function pathToken(url: string): string {
  return url.split('?')[0]!.split('/')[1] ?? '';
}
