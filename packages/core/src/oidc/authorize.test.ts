import { describe, expect, it } from 'vitest';
import { type AuthorizationRequest, authorizationParameters } from './authorize.js';

const REQUEST: AuthorizationRequest = {
  clientId: 'client-1',
  redirectUri: 'https://app.example.com/auth/callback',
  scope: 'openid profile',
  state: 'state-1',
  nonce: 'nonce-1',
  codeChallenge: 'challenge-1',
};

const PROTOCOL = {
  client_id: 'client-1',
  response_type: 'code',
  redirect_uri: 'https://app.example.com/auth/callback',
  scope: 'openid profile',
  state: 'state-1',
  nonce: 'nonce-1',
  code_challenge: 'challenge-1',
  code_challenge_method: 'S256',
};

describe('authorizationParameters', () => {
  it.each<[string, Record<string, unknown>[], Record<string, string>]>([
    ['no app parameters: the protocol ones only', [], {}],
    [
      'an app parameter is passed through',
      [{ audience: 'https://api' }],
      { audience: 'https://api' },
    ],
    [
      'a per-call parameter wins over the configured one',
      [{ screen_hint: 'login' }, { screen_hint: 'signup' }],
      { screen_hint: 'signup' },
    ],
    [
      'numbers and booleans become strings',
      [{ max_age: 0, foo: true }],
      { max_age: '0', foo: 'true' },
    ],
    ['undefined and null are left out', [{ organization: undefined, invitation: null }], {}],
    [
      'a per-audience scope map is no parameter',
      [{ scope: { default: 'x' }, nested: { a: 1 } }],
      {},
    ],
  ])('%s', (_name, appParameters, expected) => {
    const params = authorizationParameters(appParameters, REQUEST);
    expect(Object.fromEntries(params)).toEqual({ ...expected, ...PROTOCOL });
  });

  it.each([
    'client_id',
    'response_type',
    'code_challenge',
    'code_challenge_method',
    'state',
    'nonce',
    'scope',
    'request_uri',
  ])('the app cannot set %s', (name) => {
    const params = authorizationParameters([{ [name]: 'attacker' }], REQUEST);
    expect(params.get(name)).not.toBe('attacker');
    expect(params.getAll(name).length).toBeLessThanOrEqual(1);
  });

  it('keeps redirect_uri to the one the transaction is bound to', () => {
    const params = authorizationParameters([{ redirect_uri: 'https://evil.example/cb' }], REQUEST);
    expect(params.get('redirect_uri')).toBe(REQUEST.redirectUri);
  });
});
