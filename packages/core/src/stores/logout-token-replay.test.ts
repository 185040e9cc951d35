import { describe, expect, it } from 'vitest';
import { MemoryLogoutTokenReplayStore } from './logout-token-replay.js';

const inSeconds = (seconds: number) => Date.now() / 1000 + seconds;

describe('MemoryLogoutTokenReplayStore', () => {
  it('accepts each jti once while it could still be accepted', async () => {
    const store = new MemoryLogoutTokenReplayStore();
    expect(await store.remember('a', inSeconds(300))).toBe(true);
    expect(await store.remember('a', inSeconds(300))).toBe(false);
    expect(await store.remember('b', inSeconds(300))).toBe(true);
  });

  it('forgets a jti once its token is too old to be accepted anyway', async () => {
    const store = new MemoryLogoutTokenReplayStore();
    expect(await store.remember('old', inSeconds(-1))).toBe(true);
    expect(await store.remember('old', inSeconds(300))).toBe(true);
  });

  it('accepts a forgotten jti again', async () => {
    const store = new MemoryLogoutTokenReplayStore();
    await store.remember('a', inSeconds(300));
    await store.forget('a');
    expect(await store.remember('a', inSeconds(300))).toBe(true);
  });

  it('stays within maxEntries, dropping the oldest first', async () => {
    const store = new MemoryLogoutTokenReplayStore({ maxEntries: 3 });
    for (const jti of ['1', '2', '3', '4']) await store.remember(jti, inSeconds(300));
    expect(await store.remember('4', inSeconds(300))).toBe(false);
    expect(await store.remember('1', inSeconds(300))).toBe(true);
  });
});
