import { describe, expect, it } from 'vitest';
import { Sealer } from '../cookies/sealer.js';
import { MfaTokenExpiredError, MfaTokenInvalidError } from './errors.js';
import { type MfaTokenContext, MfaTokens } from './mfa-token.js';

const SECRET = 'a-test-secret-that-is-at-least-32-characters-long';
const NOW = 1_800_000_000;
const context: MfaTokenContext = {
  mfaToken: 'tenant-mfa-token',
  audience: 'https://api.example.com',
  scope: 'read:orders',
  domain: 'https://tenant.example.com',
  createdAt: NOW,
};

describe('MfaTokens: the sealed MFA token of an MfaRequiredError', () => {
  const tokens = new MfaTokens([SECRET], 300);

  it('opens to what it was sealed with, within its lifetime', async () => {
    const sealed = await tokens.seal(context);
    expect(sealed).not.toContain('tenant-mfa-token');
    expect(await tokens.open(sealed, NOW + 299)).toEqual(context);
  });

  it('past its lifetime: mfa_token_expired', async () => {
    const sealed = await tokens.seal(context);
    await expect(tokens.open(sealed, NOW + 301)).rejects.toBeInstanceOf(MfaTokenExpiredError);
  });

  it.each<[string, (sealed: string) => unknown]>([
    ['missing', () => undefined],
    ['empty', () => ''],
    ['tampered', (sealed) => `${sealed.slice(0, -2)}AA`],
    ['truncated', (sealed) => sealed.slice(0, 40)],
    ['not a string', () => ({ mfaToken: 'x' })],
  ])('%s: mfa_token_invalid', async (_what, change) => {
    const sealed = await tokens.seal(context);
    await expect(tokens.open(change(sealed), NOW)).rejects.toBeInstanceOf(MfaTokenInvalidError);
  });

  it('sealed with another secret, or for another purpose: mfa_token_invalid', async () => {
    const other = new MfaTokens(['another-secret-that-is-at-least-32-characters'], 300);
    await expect(tokens.open(await other.seal(context), NOW)).rejects.toBeInstanceOf(
      MfaTokenInvalidError,
    );
    // The same secret, another purpose (a session cookie's): keys are derived per purpose.
    const asSession = await new Sealer([SECRET], 'session').seal(context, NOW + 300);
    await expect(tokens.open(asSession, NOW)).rejects.toBeInstanceOf(MfaTokenInvalidError);
  });
});
