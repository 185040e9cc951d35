import { describe, expect, it } from 'vitest';
import { createDpopNonceSource } from './nonce.js';

const SECRET = 'x'.repeat(32);

describe('createDpopNonceSource', () => {
  it('accepts its nonces for the current and the next step only', () => {
    const source = createDpopNonceSource({ secret: SECRET, lifetime: 60 });
    const t = 1_700_000_000_000;
    const nonce = source.current(t);
    expect(source.isValid(nonce, t)).toBe(true);
    expect(source.isValid(nonce, t + 60_000)).toBe(true);
    expect(source.isValid(nonce, t + 120_000)).toBe(false);
    expect(source.isValid(nonce, t - 60_000)).toBe(false);
  });

  it('is shared by instances with the same secret, and by no one else', () => {
    const t = Date.now();
    const nonce = createDpopNonceSource({ secret: SECRET }).current(t);
    expect(createDpopNonceSource({ secret: SECRET }).isValid(nonce, t)).toBe(true);
    expect(createDpopNonceSource({ secret: 'y'.repeat(32) }).isValid(nonce, t)).toBe(false);
    expect(createDpopNonceSource().isValid(nonce, t)).toBe(false);
  });

  it('refuses forged and malformed nonces', () => {
    const source = createDpopNonceSource({ secret: SECRET });
    const t = Date.now();
    const [step] = source.current(t).split('.');
    for (const forged of [
      `${step}.AAAAAAAAAAAAAAAAAAAAAA`,
      `${step}`,
      '',
      `${source.current(t)}.x`,
    ]) {
      expect(source.isValid(forged, t)).toBe(false);
    }
  });

  it('refuses a short secret', () => {
    expect(() => createDpopNonceSource({ secret: 'short' })).toThrow(TypeError);
  });
});
