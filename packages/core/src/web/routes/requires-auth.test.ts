import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../errors.js';
import type { UserClaims } from '../../session/model.js';
import {
  checkRequiresAuthOptions,
  missingAuthentication,
  type RequiresAuthOptions,
} from './requires-auth.js';

const MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const NOW = 1_800_000_000;
const alice: UserClaims = { sub: 'auth0|alice', org_id: 'org_acme', org_name: 'acme' };

describe('missingAuthentication: what a page asks and the session lacks', () => {
  it.each<[string, UserClaims, RequiresAuthOptions, Record<string, string> | undefined]>([
    ['nothing asked', alice, {}, undefined],
    ['her organization, by id', alice, { organization: 'org_acme' }, undefined],
    ['her organization, by name', alice, { organization: 'ACME' }, undefined],
    ['another organization', alice, { organization: 'org_globex' }, { organization: 'org_globex' }],
    ['MFA, without it', alice, { acrValues: MFA }, { acr_values: MFA }],
    ['MFA, with it', { ...alice, acr: MFA, amr: ['mfa'] }, { acrValues: [MFA] }, undefined],
    [
      'a recent sign-in, after an old one',
      { ...alice, auth_time: NOW - 3600 },
      { maxAge: 600 },
      { max_age: '600' },
    ],
    [
      'a recent sign-in, after a recent one',
      { ...alice, auth_time: NOW - 60 },
      { maxAge: 600 },
      undefined,
    ],
    ['a recent sign-in, with no auth_time', alice, { maxAge: 600 }, { max_age: '600' }],
    [
      'MFA and a recent sign-in, lacking both',
      { ...alice, auth_time: NOW - 3600 },
      { acrValues: MFA, maxAge: 600 },
      { acr_values: MFA, max_age: '600' },
    ],
  ])('%s', (_what, user, options, expected) => {
    expect(missingAuthentication(user, options, NOW)).toEqual(expected);
  });
});

describe('checkRequiresAuthOptions', () => {
  it.each<[string, unknown]>([
    ['requiresAuth.organisation', { organisation: 'org_acme' }],
    ['requiresAuth.organization', { organization: '' }],
    ['requiresAuth.acrValues', { acrValues: [MFA, 3] }],
    ['requiresAuth.maxAge', { maxAge: -1 }],
    ['requiresAuth.maxAge', { maxAge: '600' }],
    ['requiresAuth', 'org_acme'],
  ])('names %s', (option, options) => {
    expect(() => checkRequiresAuthOptions(options)).toThrow(ConfigurationError);
    expect(() => checkRequiresAuthOptions(options)).toThrow(expect.objectContaining({ option }));
  });
});
