import { describe, expect, it } from 'vitest';
import { chunkValue, cookieNamesOf, joinChunks, MAX_COOKIE_BYTES } from './chunking.js';
import { serializeCookie } from './cookie-jar.js';

const attributes = serializeCookie('', '', { maxAge: 604800, secure: true }).length - 1;

describe('cookie chunking', () => {
  it('keeps a value that fits in one cookie unchunked', () => {
    expect(chunkValue('s', 'abc', attributes, 10)).toEqual([{ name: 's', value: 'abc' }]);
  });

  it.each([4000, 10_000, 30_000])(
    'splits %i bytes into cookies that each fit 4096 bytes',
    (size) => {
      const value = 'v'.repeat(size);
      const chunks = chunkValue('gatehouse.session', value, attributes, 10);
      expect(chunks).toBeDefined();
      for (const chunk of chunks!) {
        const header = serializeCookie(chunk.name, chunk.value, { maxAge: 604800, secure: true });
        expect(header.length).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
      }
      expect(chunks!.map((chunk) => chunk.value).join('')).toBe(value);
      const jar = new Map(chunks!.map((chunk) => [chunk.name, chunk.value]));
      expect(joinChunks('gatehouse.session', jar, 10)).toBe(value);
    },
  );

  it('refuses when more chunks than allowed would be needed', () => {
    expect(chunkValue('s', 'v'.repeat(50_000), attributes, 10)).toBeUndefined();
  });

  it('stops at the first missing chunk and ignores look-alike names', () => {
    const jar = new Map([
      ['s.0', 'a'],
      ['s.2', 'c'],
      ['s.evil', 'x'],
      ['session', 'y'],
    ]);
    expect(joinChunks('s', jar, 10)).toBe('a');
    expect(cookieNamesOf('s', jar).sort()).toEqual(['s.0', 's.2']);
  });
});
