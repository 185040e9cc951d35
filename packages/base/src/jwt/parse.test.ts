import { describe, expect, it } from 'vitest';
import { decodeBase64url, parseCompactJws } from './parse.js';

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const fail = (reason: string) => new Error(reason);

describe('decodeBase64url', () => {
  it.each([
    ['standard base64 characters', 'ab+/'],
    ['padding', 'YQ=='],
    ['whitespace', 'YW Jj'],
    ['an impossible length', 'abcde'],
    ['non-zero trailing bits', 'YR'],
  ])('refuses %s', (_label, value) => {
    expect(decodeBase64url(value)).toBeUndefined();
  });

  it('decodes canonical base64url', () => {
    expect(decodeBase64url('YQ')?.toString()).toBe('a');
    expect(decodeBase64url('')?.length).toBe(0);
  });

  it('accepts exactly the strings that re-encode to themselves', () => {
    // The definition of canonical, checked against the bit test on 20,000 random strings over the
    // alphabet and a few outsiders; lengths 0 to 8 cover every partial group.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.';
    for (let i = 0; i < 20_000; i += 1) {
      let value = '';
      for (let n = i % 9; n > 0; n -= 1) value += alphabet[Math.floor(Math.random() * 68)];
      const canonical =
        /^[A-Za-z0-9_-]*$/.test(value) &&
        Buffer.from(value, 'base64url').toString('base64url') === value;
      expect([value, decodeBase64url(value) !== undefined]).toEqual([value, canonical]);
    }
  });
});

describe('parseCompactJws', () => {
  const valid = `${segment({ alg: 'RS256' })}.${segment({ sub: 'a' })}.c2ln`;

  it('splits and decodes header, payload and signature', () => {
    const jws = parseCompactJws(valid, 1000, fail);
    expect(jws).toMatchObject({ header: { alg: 'RS256' }, payload: { sub: 'a' } });
    expect(jws.signature.toString()).toBe('sig');
    expect(jws.signingInput).toBe(valid.split('.').slice(0, 2).join('.'));
  });

  it('refuses a token over the cap before decoding it', () => {
    expect(() => parseCompactJws(valid, valid.length - 1, fail)).toThrow('too_large');
  });

  it.each([
    ['four segments', `${valid}.x`],
    ['a payload that is a JSON string', `${segment({ alg: 'RS256' })}.${segment('s')}.c2ln`],
    ['a header that is null', `${segment(null)}.${segment({})}.c2ln`],
    [
      'a payload that is not JSON',
      `${segment({})}.${Buffer.from('{x').toString('base64url')}.c2ln`,
    ],
    ['an empty header', `.${segment({})}.c2ln`],
  ])('refuses %s as malformed', (_label, token) => {
    expect(() => parseCompactJws(token, 10_000, fail)).toThrow('malformed');
  });
});
