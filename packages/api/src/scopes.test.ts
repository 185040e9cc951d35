import { describe, expect, it } from 'vitest';
import { grantedScopes, hasScopes, scopeList } from './scopes.js';

describe('scopes', () => {
  it('merges the scope string and the permissions array', () => {
    expect([...grantedScopes({ scope: 'a  b', permissions: ['c', 'a'] })].sort()).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(grantedScopes({}).size).toBe(0);
  });

  it('checks all or any of the required scopes', () => {
    const claims = { scope: 'read:orders', permissions: ['write:orders'] };
    expect(hasScopes(claims, 'read:orders write:orders')).toBe(true);
    expect(hasScopes(claims, ['read:orders', 'admin'])).toBe(false);
    expect(hasScopes(claims, ['read:orders', 'admin'], 'any')).toBe(true);
    expect(hasScopes(claims, ['admin', 'root'], 'any')).toBe(false);
    expect(hasScopes(claims, [])).toBe(true);
  });

  it('does not match scopes by prefix or substring', () => {
    expect(hasScopes({ scope: 'read:orders:all' }, 'read:orders')).toBe(false);
    expect(hasScopes({ scope: 'read' }, 'read:orders')).toBe(false);
  });

  it('refuses a required scope that could not go into a header', () => {
    expect(() => scopeList(['ok', 'bad"scope'])).toThrow(TypeError);
    expect(scopeList(' a  b ')).toEqual(['a', 'b']);
  });
});
