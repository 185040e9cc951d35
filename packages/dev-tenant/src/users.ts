import { extraIdTokenClaims } from './config.js';
import type { TenantState } from './tenant-state.js';

/** A user of the tenant, of any connection: the login form's or a passwordless one. */
export interface FoundUser {
  sub: string;
  name: string;
  /** The user's email address, when they have one. */
  email?: string;
  /** The user's claims, before any grant's (organization, actor). */
  claims(): Record<string, unknown>;
}

/**
 * The user of a `sub`: one of the configured users (the login form's connection) or one a
 * passwordless login created. Every place that resolves a user by `sub` (tokens, refreshes,
 * logouts, `/test/users`) goes through here, so passwordless users are users like the others.
 */
export function findUser(state: TenantState, sub: string): FoundUser | undefined {
  const user = state.config.users.find((candidate) => candidate.sub === sub);
  if (user) {
    return {
      sub,
      name: user.name,
      email: user.email,
      claims: () => ({
        sub,
        email: user.email,
        email_verified: true,
        name: user.name,
        nickname: user.email.split('@')[0],
        updated_at: Math.floor(Date.now() / 1000),
        ...extraIdTokenClaims(user),
      }),
    };
  }
  const passwordless = state.passwordlessUsers.find(sub);
  if (!passwordless) return undefined;
  const { address, connection, name } = passwordless;
  return {
    sub,
    name,
    ...(connection === 'email' ? { email: address } : {}),
    claims: () => ({
      sub,
      name,
      ...(connection === 'email'
        ? { email: address, email_verified: true, nickname: address.split('@')[0] }
        : { phone_number: address, phone_number_verified: true, nickname: address }),
      updated_at: Math.floor(Date.now() / 1000),
    }),
  };
}
