import { isInOrganization } from '@gatehouse/base';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OrganizationTokenValidationError } from '../errors.js';
import { checkOrganization, loginOrganization } from './organization.js';

describe('isInOrganization', () => {
  it.each<[string, Record<string, unknown>, string, boolean]>([
    ['an org_ id equal to org_id', { org_id: 'org_abc' }, 'org_abc', true],
    ['an org_ id compared case-sensitively', { org_id: 'org_ABC' }, 'org_abc', false],
    ['an org_ id never matched by org_name', { org_name: 'org_abc' }, 'org_abc', false],
    ['a name equal to org_name', { org_name: 'acme' }, 'acme', true],
    ['a name in another case', { org_name: 'acme' }, 'ACME', true],
    ['a name after Unicode normalisation', { org_name: 'café' }, 'cafe\u0301', true],
    ['a name never matched by org_id', { org_id: 'acme' }, 'acme', false],
    ['another name', { org_name: 'globex' }, 'acme', false],
    ['no organization claims', {}, 'acme', false],
    ['an org_name that is not a string', { org_name: ['acme'] }, 'acme', false],
  ])('%s', (_what, claims, organization, expected) => {
    expect(isInOrganization(claims, organization)).toBe(expected);
  });
});

describe('checkOrganization', () => {
  it('passes when no organization was asked for, whatever the token says', () => {
    expect(() => checkOrganization({ org_id: 'org_x' }, undefined)).not.toThrow();
  });

  it('refuses a token of another organization, or of none', () => {
    for (const claims of [{ org_id: 'org_other' }, {}]) {
      expect(() => checkOrganization(claims, 'org_abc')).toThrow(OrganizationTokenValidationError);
    }
    expect(() => checkOrganization({}, 'acme')).toThrow(/org_name/);
  });
});

describe('loginOrganization', () => {
  it('takes the per-call organization, else the configured one, trimmed', () => {
    expect(loginOrganization(' org_a ', 'org_b')).toBe('org_a');
    expect(loginOrganization(undefined, 'org_b')).toBe('org_b');
    expect(loginOrganization(undefined, undefined)).toBeUndefined();
  });

  it.each([[''], ['   '], [42]])('refuses %j', (value) => {
    expect(() => loginOrganization(value, undefined)).toThrow(InvalidArgumentError);
  });
});
