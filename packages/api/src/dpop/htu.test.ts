import { describe, expect, it } from 'vitest';
import { normalizeHtu } from './htu.js';

describe('normalizeHtu (RFC 9449 §4.3, RFC 3986 §6.2.2)', () => {
  it.each([
    ['https://api.example.com/orders?x=1#f', 'https://api.example.com/orders'],
    ['HTTPS://API.Example.COM:443/orders', 'https://api.example.com/orders'],
    ['http://localhost:80/a', 'http://localhost/a'],
    ['https://api.example.com/%7euser/%2f', 'https://api.example.com/~user/%2F'],
    ['https://api.example.com/a/../b/./c', 'https://api.example.com/b/c'],
    ['https://user:pw@api.example.com/a', 'https://api.example.com/a'],
    ['https://api.example.com', 'https://api.example.com/'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeHtu(input)).toBe(expected);
  });

  it('keeps paths that differ different', () => {
    expect(normalizeHtu('https://api.example.com/admin')).not.toBe(
      normalizeHtu('https://api.example.com/public'),
    );
    expect(normalizeHtu('https://api.example.com:8443/a')).not.toBe(
      normalizeHtu('https://api.example.com/a'),
    );
  });

  it.each([['not a url'], ['ftp://example.com/a'], ['javascript:alert(1)']])(
    'refuses %s',
    (value) => {
      expect(normalizeHtu(value)).toBeUndefined();
    },
  );
});
