import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from './replay-store.js';

describe('MemoryReplayStore', () => {
  it('says yes once per key until it expires', () => {
    let now = 0;
    const store = new MemoryReplayStore({ now: () => now });
    expect(store.markUsed('jkt:1', 1000)).toBe(true);
    expect(store.markUsed('jkt:1', 1000)).toBe(false);
    now = 1000;
    expect(store.markUsed('jkt:1', 2000)).toBe(true);
  });

  it('stays within maxEntries however many proofs arrive', () => {
    const store = new MemoryReplayStore({ maxEntries: 500 });
    for (let i = 0; i < 10_000; i += 1) store.markUsed(`jkt:${i}`, Date.now() + 60_000);
    expect(store.size).toBe(500);
  });
});
