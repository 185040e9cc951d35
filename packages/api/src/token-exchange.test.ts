import { describe, expect, it } from 'vitest';
import { actorChain, processTokenExchangeResponse, TokenExchangeError } from './token-exchange.js';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('processTokenExchangeResponse', () => {
  it('reads the token, its expiry, scope and issued type', async () => {
    const token = await processTokenExchangeResponse(
      json({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 60,
        scope: 'read:reports',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
      1000,
      65_536,
    );
    expect(token).toEqual({
      accessToken: 'at',
      expiresAt: 1060,
      scope: 'read:reports',
      issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    });
  });

  it.each<[string, Response, string]>([
    [
      'the tenant’s refusal',
      json({ error: 'invalid_grant', error_description: 'no' }, 400),
      'invalid_grant',
    ],
    ['an error without a code', json({}, 500), 'token_exchange_failed'],
    ['no access_token', json({ token_type: 'Bearer' }), 'token_exchange_failed'],
    [
      'a negative expires_in',
      json({ access_token: 'at', expires_in: -1 }),
      'token_exchange_failed',
    ],
    [
      'a scope that is not a string',
      json({ access_token: 'at', scope: ['x'] }),
      'token_exchange_failed',
    ],
    ['a body that is not JSON', new Response('<html>', { status: 502 }), 'token_exchange_failed'],
  ])('refuses %s', async (_what, response, code) => {
    const error = await processTokenExchangeResponse(response, 0, 65_536).catch((caught) => caught);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ code, status: 502 });
  });
});

describe('actorChain', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['no act', { sub: 'auth0|alice' }, []],
    ['one actor', { act: { sub: 'api-a' } }, ['api-a']],
    [
      'a chain, outermost first',
      { act: { sub: 'api-b', act: { sub: 'api-a' } } },
      ['api-b', 'api-a'],
    ],
    ['a broken link ends it', { act: { sub: 'api-b', act: { id: 'x' } } }, ['api-b']],
    ['an act that is not an object', { act: 'api-a' }, []],
  ])('%s', (_what, claims, chain) => {
    expect(actorChain(claims)).toEqual(chain);
  });
});
