import { randomBytes } from 'node:crypto';
import type { ResolvedTenantConfig } from './config.js';
import type { OutboxChannel } from './outbox.js';

/** Auth0's kinds of authenticator: an authenticator app, a code sent out of band, a recovery code. */
export type AuthenticatorType = 'otp' | 'oob' | 'recovery-code';

/** One second factor of a user. */
export interface Authenticator {
  /** Auth0-shaped: `totp|dev_…`, `email|dev_…`, `sms|dev_…`, `recovery-code|dev_…`. */
  id: string;
  sub: string;
  type: AuthenticatorType;
  /** Where an `oob` authenticator sends its codes. */
  channel?: OutboxChannel;
  /** The base32 secret of an `otp` authenticator. */
  secret?: string;
  /** The email address or phone number of an `oob` authenticator. */
  address?: string;
  /** False while an enrollment waits for its first code. */
  active: boolean;
}

const newId = (kind: string) => `${kind}|dev_${randomBytes(12).toString('base64url')}`;

/**
 * The second factors of the tenant's users. Every user has an email factor (codes go to the
 * outbox); a user configured with `mfa.totpSecret` has an authenticator app too.
 */
export class Authenticators {
  readonly #bySub = new Map<string, Authenticator[]>();

  constructor(users: ResolvedTenantConfig['users']) {
    for (const user of users) {
      this.add({ sub: user.sub, type: 'oob', channel: 'email', address: user.email, active: true });
      const secret = user.mfa?.totpSecret;
      if (secret) this.add({ sub: user.sub, type: 'otp', secret, active: true });
    }
  }

  /** Adds an authenticator to a user, with a new id. */
  add(fields: Omit<Authenticator, 'id'>): Authenticator {
    const kind =
      fields.type === 'otp' ? 'totp' : fields.type === 'oob' ? fields.channel : 'recovery-code';
    const authenticator = { id: newId(kind ?? 'oob'), ...fields };
    this.#bySub.set(fields.sub, [...this.of(fields.sub), authenticator]);
    return authenticator;
  }

  /** Every authenticator of a user, enrolled or waiting for its first code, oldest first. */
  of(sub: string): Authenticator[] {
    return this.#bySub.get(sub) ?? [];
  }

  /** The user's enrolled authenticator app, if any: its codes are what the login asks for. */
  activeTotp(sub: string): Authenticator | undefined {
    return this.of(sub).find((candidate) => candidate.type === 'otp' && candidate.active);
  }
}
