import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.js';

describe('LruCache', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.size]).toEqual([1, 3, 2]);
  });

  it('stays within its bound under any number of keys', () => {
    const cache = new LruCache<number, number>({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i += 1) cache.set(i, i);
    expect(cache.size).toBe(100);
    expect([...cache.values()].at(0)).toBe(9900);
  });

  it('forgets an entry at its expiry', () => {
    let now = 1000;
    const cache = new LruCache<string, string>({ maxEntries: 10, now: () => now });
    cache.set('k', 'v', 1500);
    expect(cache.get('k')).toBe('v');
    now = 1500;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts in least-recently-used order under any mix of operations', () => {
    // Against a plain array model: most recent last. Few keys, so runs of hits on one key (which
    // skip the reordering) are frequent.
    const cache = new LruCache<string, number>({ maxEntries: 3 });
    let model: string[] = [];
    for (let step = 0; step < 5_000; step += 1) {
      const key = 'abcde'[Math.floor(Math.random() * 5)] as string;
      const operation = Math.random();
      if (operation < 0.5) {
        const hit = cache.get(key) !== undefined;
        expect(hit).toBe(model.includes(key));
        if (hit) model = [...model.filter((k) => k !== key), key];
      } else if (operation < 0.9) {
        cache.set(key, step);
        model = [...model.filter((k) => k !== key), key].slice(-3);
      } else {
        cache.delete(key);
        model = model.filter((k) => k !== key);
      }
      expect([...cache.values()].length).toBe(model.length);
    }
  });

  it('holds nothing with maxEntries 0', () => {
    const cache = new LruCache<string, string>({ maxEntries: 0 });
    cache.set('k', 'v');
    expect(cache.get('k')).toBeUndefined();
  });
});
