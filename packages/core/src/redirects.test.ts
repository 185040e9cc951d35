import { OPEN_REDIRECT_VECTORS } from '@gatehouse/test-kit/web/conformance';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './redirects.js';

const BASE = 'https://app.example.com';

describe('safeReturnTo keeps returns on the app (SECURITY.md rule 1)', () => {
  it.each([
    ['/orders?page=2#top', 'https://app.example.com/orders?page=2#top'],
    ['orders', 'https://app.example.com/orders'],
    ['https://app.example.com/profile', 'https://app.example.com/profile'],
    ['/a/./b/../c', 'https://app.example.com/a/c'],
  ])('accepts %s', (input, expected) => {
    expect(safeReturnTo(input, BASE)?.href).toBe(expected);
  });

  it.each<readonly [attack: string, input: unknown]>([
    // The vectors every web integration is tested with, then the ones only this function sees.
    ...OPEN_REDIRECT_VECTORS,
    ['a NUL byte', '/ok\u0000'],
    [
      'userinfo to another host, with our host as the user',
      'https://app.example.com@evil.example/',
    ],
    ['userinfo on our own host', 'https://user:pass@app.example.com/'],
    ['another port of our host', 'https://app.example.com:8443/'],
    ['plain http to our host', 'http://app.example.com/'],
    ['a broken percent escape', '/%E0%A4%A'],
    ['something that is not a string', { href: '/' }],
  ])('refuses %s', (_attack, input) => {
    expect(safeReturnTo(input, BASE)).toBeUndefined();
  });
});
