import { describe, expect, it } from 'vitest';
import { assertLoopbackUrl } from '../../../harness/input/loopback.ts';

describe('assertLoopbackUrl', () => {
  it.each(['http://127.0.0.1:8080/', 'http://127.255.3.4/', 'http://[::1]:3000/x', 'http://localhost:80', 'https://LOCALHOST/', 'http://[::ffff:127.0.0.1]/'])('lets %s through', (url) => {
    expect(assertLoopbackUrl(url, false).href).toBe(new URL(url).href);
  });

  it.each(['http://10.0.0.1/', 'http://192.168.1.10:8080/', 'http://example.com/', 'http://128.0.0.1/', 'http://[::2]/', 'http://localhost.example.com/', 'http://0.0.0.0:80/'])('refuses %s and names --allow-remote', (url) => {
    expect(() => assertLoopbackUrl(url, false)).toThrow(/^refusing to send load to .*: not a loopback address .*pass --allow-remote/);
  });

  it('lets a remote address through with --allow-remote', () => {
    expect(assertLoopbackUrl('http://10.0.0.1:8080/', true).host).toBe('10.0.0.1:8080');
  });

  it.each([['not a url', /not a valid URL/], ['ftp://127.0.0.1/', /expected an http:\/\/ or https:\/\/ URL, got ftp:/]])('refuses %s even with --allow-remote', (url, message) => {
    expect(() => assertLoopbackUrl(url, true)).toThrow(message);
  });
});
