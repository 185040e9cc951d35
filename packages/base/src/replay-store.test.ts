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

  it('accepts a forgotten id again', () => {
    const store = new MemoryReplayStore();
    store.markUsed('a', Date.now() + 300_000);
    store.forget('a');
    expect(store.markUsed('a', Date.now() + 300_000)).toBe(true);
  });

  it('drops the least recently recorded id first past maxEntries', () => {
    const store = new MemoryReplayStore({ maxEntries: 3 });
    for (const id of ['1', '2', '3', '4']) store.markUsed(id, Date.now() + 300_000);
    expect(store.markUsed('4', Date.now() + 300_000)).toBe(false);
    expect(store.markUsed('1', Date.now() + 300_000)).toBe(true);
  });
});
