import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ResolvedTenantConfig } from './config.js';
import type { OutboxChannel } from './outbox.js';
import { base32Encode, verifyTotp } from './totp.js';

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
  /** The email factor every user has from the start (not an enrollment of theirs). */
  builtIn?: boolean;
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
      this.add({
        sub: user.sub,
        type: 'oob',
        channel: 'email',
        address: user.email,
        active: true,
        builtIn: true,
      });
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

  /**
   * Whether the user has enrolled a second factor of their own (beyond the email factor every
   * user has): then an `mfa_token` may not enroll another, which would let whoever holds the
   * token (a password, a refresh token) pass the second factor without the user's.
   */
  hasEnrolled(sub: string): boolean {
    return this.of(sub).some(
      (candidate) => candidate.active && !candidate.builtIn && candidate.type !== 'recovery-code',
    );
  }

  /** One of the user's authenticators by id. */
  find(sub: string, id: string): Authenticator | undefined {
    return this.of(sub).find((candidate) => candidate.id === id);
  }

  /**
   * Starts an enrollment (`/mfa/associate`): the authenticator waits for its first code, and
   * replaces any other of its kind still waiting. A user's first enrollment also gives a
   * recovery code, which works once an enrollment is confirmed; it is returned then.
   */
  enroll(fields: Omit<Authenticator, 'id' | 'active'>): {
    authenticator: Authenticator;
    recoveryCode?: string;
  } {
    const waiting = (candidate: Authenticator) =>
      !candidate.active && candidate.type === fields.type && candidate.channel === fields.channel;
    this.#bySub.set(
      fields.sub,
      this.of(fields.sub).filter((candidate) => !waiting(candidate)),
    );
    const authenticator = this.add({ ...fields, active: false });
    const hasRecovery = this.of(fields.sub).some((candidate) => candidate.type === 'recovery-code');
    if (hasRecovery) return { authenticator };
    const recoveryCode = newRecoveryCode();
    this.add({ sub: fields.sub, type: 'recovery-code', secret: recoveryCode, active: false });
    return { authenticator, recoveryCode };
  }

  /** Confirms an enrollment by its first right code, and with it the user's recovery code. */
  confirm(authenticator: Authenticator): void {
    if (authenticator.active) return;
    authenticator.active = true;
    for (const candidate of this.of(authenticator.sub)) {
      if (candidate.type === 'recovery-code') candidate.active = true;
    }
  }

  /** The authenticator app (enrolled or being enrolled) whose code `code` is now, if any. */
  totpMatching(sub: string, code: string): Authenticator | undefined {
    return this.of(sub).find(
      (candidate) => candidate.type === 'otp' && verifyTotp(candidate.secret ?? '', code),
    );
  }

  /**
   * Uses the user's recovery code if `code` is it, and gives the new one that replaces it (a
   * recovery code works once, as Auth0's); undefined when it is not.
   */
  useRecoveryCode(sub: string, code: string): string | undefined {
    const recovery = this.of(sub).find(
      (candidate) => candidate.type === 'recovery-code' && candidate.active,
    );
    const given = Buffer.from(code.replace(/\s/g, '').toUpperCase());
    const expected = Buffer.from(recovery?.secret ?? '');
    if (!recovery || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    recovery.secret = newRecoveryCode();
    return recovery.secret;
  }
}

/** A recovery code as Auth0 shows them: 24 upper-case letters and digits. */
function newRecoveryCode(): string {
  return base32Encode(randomBytes(15)).slice(0, 24);
}
