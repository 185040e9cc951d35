import { describe, expect, it } from 'vitest';
import { describeAccessTokenProtection } from '../../core/test/web/scenarios/access-token.js';
import { claimIncludes, requiredScopes } from '../src/index.js';
import { startApp } from './support/app.js';

describeAccessTokenProtection(startApp);

describe('the scope and claim helpers', () => {
  it('refuse bad scopes and empty checks at setup', () => {
    expect(() => requiredScopes('read "orders"')).toThrow(/requiredScopes/);
    expect(() => requiredScopes()).toThrow(/at least one scope/);
    expect(() => claimIncludes('roles')).toThrow(/claimIncludes/);
  });
});
