import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-tokens.js';

const tail = 'S'.repeat(40);

describe('VerifiedTokenCache', () => {
  it('answers only for the exact token, even when another shares its tail', () => {
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, now: () => 0 });
    cache.set(`header.alice.${tail}`, 'alice', 1000);
    expect(cache.get(`header.alice.${tail}`)).toBe('alice');
    expect(cache.get(`header.mallory.${tail}`)).toBeUndefined();
    expect(cache.get(tail)).toBeUndefined();
  });

  it('lets a token with the same tail take the entry, never its value', () => {
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, now: () => 0 });
    cache.set(`a.a.${tail}`, 'a', 1000);
    cache.set(`b.b.${tail}`, 'b', 1000);
    expect([cache.get(`a.a.${tail}`), cache.get(`b.b.${tail}`), cache.size]).toEqual([
      undefined,
      'b',
      1,
    ]);
    cache.delete(`a.a.${tail}`); // not the token held: nothing happens
    expect(cache.get(`b.b.${tail}`)).toBe('b');
    cache.delete(`b.b.${tail}`);
    expect(cache.size).toBe(0);
  });

  it('forgets a token at its expiry, and holds nothing when disabled', () => {
    let now = 0;
    const cache = new VerifiedTokenCache<string>({ maxEntries: 10, now: () => now });
    cache.set(`t.t.${tail}`, 'v', 500);
    now = 500;
    expect(cache.get(`t.t.${tail}`)).toBeUndefined();
    const disabled = new VerifiedTokenCache<string>({ maxEntries: 0, now: () => 0 });
    disabled.set(`t.t.${tail}`, 'v', 500);
    expect([disabled.get(`t.t.${tail}`), disabled.size]).toEqual([undefined, 0]);
  });
});
