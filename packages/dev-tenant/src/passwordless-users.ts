import { randomBytes } from 'node:crypto';

/** The connections of passwordless login, as Auth0 names them. */
export type PasswordlessConnection = 'email' | 'sms';

/** A user of a passwordless connection, created at their first verified code. */
export interface PasswordlessUser {
  /** `email|<24 hex>` or `sms|<24 hex>`, as Auth0's. */
  sub: string;
  connection: PasswordlessConnection;
  /** The email address (connection `email`) or phone number (connection `sms`). */
  address: string;
  /** The address too, as Auth0 names such users. */
  name: string;
}

/** The key of an address on a connection: email addresses are compared without case. */
const keyOf = (connection: PasswordlessConnection, address: string) =>
  `${connection}:${connection === 'email' ? address.toLowerCase() : address}`;

/**
 * The users of the passwordless connections. They are users of their own, apart from the
 * tenant's password users with the same email (another connection), as at Auth0.
 */
export class PasswordlessUsers {
  readonly #bySub = new Map<string, PasswordlessUser>();
  readonly #byAddress = new Map<string, PasswordlessUser>();

  find(sub: string): PasswordlessUser | undefined {
    return this.#bySub.get(sub);
  }

  /** The user of an address on a connection, created the first time. */
  findOrCreate(connection: PasswordlessConnection, address: string): PasswordlessUser {
    const key = keyOf(connection, address);
    const existing = this.#byAddress.get(key);
    if (existing) return existing;
    const user: PasswordlessUser = {
      sub: `${connection}|${randomBytes(12).toString('hex')}`,
      connection,
      address,
      name: address,
    };
    this.#byAddress.set(key, user);
    this.#bySub.set(user.sub, user);
    return user;
  }
}
