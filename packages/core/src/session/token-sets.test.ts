import { describe, expect, it } from 'vitest';
import type { SessionData, TokenSet } from './model.js';
import {
  applyTokenUpdate,
  findConnectionTokenSet,
  findTokenSet,
  tokenSetFor,
} from './token-sets.js';

const set = (
  audience: string,
  scope: string | undefined,
  expiresAt = 10_000,
  extra: Partial<TokenSet> = {},
): TokenSet => ({
  audience,
  accessToken: `${audience}|${scope}|${expiresAt}`,
  ...(scope !== undefined ? { scope } : {}),
  expiresAt,
  ...extra,
});

describe('findTokenSet', () => {
  const sets = [set('api', 'a b c'), set('api', 'a b'), set('api', 'a'), set('other', 'a')];

  it('prefers an exact scope match', () => {
    expect(
      findTokenSet(sets, { audience: 'api', scope: 'b a' }, { now: 0, leeway: 60 })?.scope,
    ).toBe('a b');
  });

  it('otherwise takes the smallest set that covers the request', () => {
    expect(
      findTokenSet([sets[0]!, sets[1]!], { audience: 'api', scope: 'a' }, { now: 0, leeway: 60 })
        ?.scope,
    ).toBe('a b');
  });

  it('never returns a token for another audience or missing a scope', () => {
    expect(
      findTokenSet(sets, { audience: 'api', scope: 'd' }, { now: 0, leeway: 60 }),
    ).toBeUndefined();
    expect(
      findTokenSet(sets, { audience: 'none', scope: undefined }, { now: 0, leeway: 60 }),
    ).toBeUndefined();
  });

  it('skips tokens within the leeway of their expiry', () => {
    expect(
      findTokenSet(
        [set('api', 'a', 1000)],
        { audience: 'api', scope: 'a' },
        { now: 939, leeway: 60 },
      ),
    ).toBeDefined();
    expect(
      findTokenSet(
        [set('api', 'a', 1000)],
        { audience: 'api', scope: 'a' },
        { now: 940, leeway: 60 },
      ),
    ).toBeUndefined();
  });

  it('answers a request the tenant granted differently from the remembered requested scopes', () => {
    const granted = tokenSetFor({
      audience: 'api',
      accessToken: 't',
      grantedScope: 'openid read',
      requestedScope: 'openid read other-api:scope',
      expiresAt: 10_000,
    });
    expect(granted.requestedScope).toBe('openid read other-api:scope');
    expect(
      findTokenSet(
        [granted],
        { audience: 'api', scope: 'other-api:scope openid read' },
        { now: 0, leeway: 60 },
      ),
    ).toBe(granted);
    expect(
      tokenSetFor({
        audience: 'api',
        accessToken: 't',
        grantedScope: 'a b',
        requestedScope: 'b a',
        expiresAt: 1,
      }).requestedScope,
    ).toBeUndefined();
  });

  it('treats a stored set without scope as having none (no crash, unlike the Python SDK)', () => {
    expect(
      findTokenSet(
        [set('api', undefined)],
        { audience: 'api', scope: undefined },
        { now: 0, leeway: 60 },
      ),
    ).toBeDefined();
    expect(
      findTokenSet(
        [set('api', undefined)],
        { audience: 'api', scope: 'a' },
        { now: 0, leeway: 60 },
      ),
    ).toBeUndefined();
  });
});

describe('applyTokenUpdate', () => {
  const session: SessionData = {
    user: { sub: 'u' },
    idToken: 'id-1',
    refreshToken: 'rt-1',
    tokenSets: [set('api', 'a', 10_000), set('api', 'b', 50), set('other', 'a', 10_000)],
    connectionTokenSets: [],
    internal: { sid: 's', createdAt: 1, updatedAt: 1, sessionExpiresAt: 5000 },
  };

  it('replaces the set with the same audience and scopes, drops expired ones, keeps the rest', () => {
    const next = applyTokenUpdate(session, { tokenSet: set('api', 'a', 20_000) }, 100);
    expect(
      next.tokenSets.map(
        (tokenSet) => `${tokenSet.audience}:${tokenSet.scope}:${tokenSet.expiresAt}`,
      ),
    ).toEqual(['other:a:10000', 'api:a:20000']);
  });

  it('takes a rotated refresh token, keeps the ID token when none came, never touches the ceiling', () => {
    const next = applyTokenUpdate(
      session,
      { tokenSet: set('api', 'c'), refreshToken: 'rt-2' },
      100,
    );
    expect(next.refreshToken).toBe('rt-2');
    expect(next.idToken).toBe('id-1');
    expect(next.internal).toEqual(session.internal);
    expect(applyTokenUpdate(session, { tokenSet: set('api', 'c') }, 100).refreshToken).toBe('rt-1');
  });
});

describe('findConnectionTokenSet', () => {
  const sets = [
    { connection: 'google', accessToken: 'g1', expiresAt: 1000 },
    { connection: 'google', loginHint: 'work', accessToken: 'g2', expiresAt: 1000 },
  ];
  it('matches connection and login hint exactly, while valid past the leeway', () => {
    expect(
      findConnectionTokenSet(
        sets,
        { connection: 'google', loginHint: undefined },
        { now: 0, leeway: 60 },
      )?.accessToken,
    ).toBe('g1');
    expect(
      findConnectionTokenSet(
        sets,
        { connection: 'google', loginHint: 'work' },
        { now: 0, leeway: 60 },
      )?.accessToken,
    ).toBe('g2');
    expect(
      findConnectionTokenSet(
        sets,
        { connection: 'google', loginHint: 'work' },
        { now: 941, leeway: 60 },
      ),
    ).toBeUndefined();
    expect(
      findConnectionTokenSet(
        sets,
        { connection: 'github', loginHint: undefined },
        { now: 0, leeway: 60 },
      ),
    ).toBeUndefined();
  });
});
