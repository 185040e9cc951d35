import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './redirects.js';

const BASE = 'https://app.example.com';

describe('safeReturnTo keeps returns on the app (SECURITY.md rule 1)', () => {
  it.each([
    ['/orders?page=2#top', 'https://app.example.com/orders?page=2#top'],
    ['orders', 'https://app.example.com/orders'],
    ['https://app.example.com/profile', 'https://app.example.com/profile'],
  ])('accepts %s', (input, expected) => {
    expect(safeReturnTo(input, BASE)?.href).toBe(expected);
  });

  it.each([
    ['an absolute URL to another origin', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example'],
    ['a slash-backslash URL', '/\\evil.example'],
    ['a double backslash', '\\\\evil.example'],
    ['encoded slashes', '%2F%2Fevil.example'],
    ['a slash then an encoded slash', '/%2Fevil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a tab inside the scheme', 'java\tscript:alert(1)'],
    ['a newline (header injection)', '/ok\r\nSet-Cookie: x=1'],
    ['a NUL byte', '/ok\u0000'],
    ['userinfo to another host', 'https://app.example.com@evil.example/'],
    ['userinfo on our own host', 'https://user:pass@app.example.com/'],
    ['another port of our host', 'https://app.example.com:8443/'],
    ['plain http to our host', 'http://app.example.com/'],
    ['leading whitespace before //', '  //evil.example'],
    ['a broken percent escape', '/%E0%A4%A'],
    ['something that is not a string', { href: '/' }],
  ])('refuses %s', (_attack, input) => {
    expect(safeReturnTo(input, BASE)).toBeUndefined();
  });
});
