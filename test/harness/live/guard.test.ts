import { describe, expect, it } from 'vitest';
import { hostAllowed, newToken, originAllowed, pathToken, tokenMatches } from '../../../harness/live/guard.ts';

describe('live page token', () => {
  it('is 128 random bits, URL-safe, new each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newToken()).not.toBe(a);
  });

  it('matches only itself: not a prefix, an extension, another case, empty or a non-string', () => {
    const t = 'AbCdEfGhIjKlMnOpQrStUv';
    expect(tokenMatches(t, t)).toBe(true);
    for (const bad of [t.slice(0, -1), `${t}x`, t.toLowerCase(), '', undefined, null, 42, [t]]) expect(tokenMatches(t, bad)).toBe(false);
  });

  it('is the first segment of the path, whatever follows', () => {
    expect(pathToken('/tok/')).toBe('tok');
    expect(pathToken('/tok/run/a/b.json?x=1')).toBe('tok');
    expect(pathToken('/tok?x=/y/')).toBe('tok');
    expect(pathToken('/')).toBe('');
    expect(pathToken('/?token=tok')).toBe('');
  });
});

describe('Host and Origin checks (DNS rebinding, cross-origin)', () => {
  it('lets in only 127.0.0.1:PORT and localhost:PORT', () => {
    expect(hostAllowed('127.0.0.1:8089', 8089)).toBe(true);
    expect(hostAllowed('localhost:8089', 8089)).toBe(true);
    for (const h of [undefined, '', '127.0.0.1', '127.0.0.1:8090', 'evil.example:8089', 'localhost.evil.example:8089', '[::1]:8089', '127.0.0.1:8089.evil', 'LOCALHOST:8089x']) {
      expect(hostAllowed(h, 8089), String(h)).toBe(false);
    }
  });

  it('refuses an Origin other than the page\'s own; no Origin is fine', () => {
    expect(originAllowed(undefined, 8089)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8089', 8089)).toBe(true);
    expect(originAllowed('http://localhost:8089', 8089)).toBe(true);
    for (const o of ['null', 'http://evil.example', 'http://127.0.0.1:8090', 'https://127.0.0.1:8089', 'http://127.0.0.1:8089/']) expect(originAllowed(o, 8089), o).toBe(false);
  });
});
