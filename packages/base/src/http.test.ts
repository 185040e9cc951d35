import { describe, expect, it } from 'vitest';
import { cacheControlMaxAge, fetchableUrl, readJsonObject } from './http.js';

describe('cacheControlMaxAge (RFC 9111 §5.2.2.1)', () => {
  it.each([
    ['public, max-age=15', 15],
    ['max-age="30", must-revalidate', 30],
    ['no-store', 0],
    ['max-age=60, no-cache', 0],
    ['public', undefined],
    [null, undefined],
    ['max-age=-5', undefined],
  ])('%s → %s', (header, expected) => {
    expect(cacheControlMaxAge(header)).toBe(expected);
  });
});

describe('fetchableUrl', () => {
  it.each([
    ['https://tenant.auth0.com/x'],
    ['http://127.0.0.1:4000/x'],
    ['http://localhost/x'],
    ['http://[::1]:3000/'],
  ])('accepts %s', (url) => {
    expect(fetchableUrl(url).href).toBeTruthy();
  });

  it.each([
    ['http://tenant.example.com/'],
    ['http://127.0.0.1.evil.com/'],
    ['file:///etc/passwd'],
    ['https://user:pw@tenant.auth0.com/'],
    ['not a url'],
  ])('refuses %s', (url) => {
    expect(() => fetchableUrl(url)).toThrow();
  });
});

describe('readJsonObject', () => {
  it('refuses a body over the cap even when no length is announced', async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i += 1)
          controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    await expect(readJsonObject(new Response(stream), 5000)).rejects.toThrow('5000-byte cap');
  });
});
