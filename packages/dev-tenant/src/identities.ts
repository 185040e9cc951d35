import type { DevConnectionUserConfig } from './config.js';

/** The connection of the tenant's own users (its login form), as Auth0 names its database. */
export const PRIMARY_CONNECTION = 'Username-Password-Authentication';

/** The providers of passwordless users' identities, each its connection's name too. */
const PASSWORDLESS_PROVIDERS = new Set(['email', 'sms']);

/** One identity of a user, as Auth0's `identities[]` lists them. */
export interface UserIdentity {
  /** `auth0` for the primary identity; the connection's name for a linked one. */
  provider: string;
  /** The id at the provider: the part of the `sub` after `|` for the primary identity. */
  user_id: string;
  connection: string;
  isSocial: boolean;
  /** A linked identity's profile at its provider. */
  profileData?: { email: string; name: string };
}

/** A linked identity: which account of which connection. */
interface LinkedAccount {
  connection: string;
  account: Required<DevConnectionUserConfig>;
}

/**
 * The identities of the tenant's users: each user's primary one (the login form's) and the
 * accounts of other connections linked to it (account linking). An account is linked to one
 * user at a time.
 */
export class Identities {
  readonly #linkedTo = new Map<string, LinkedAccount[]>();

  /** A user's identities: the primary one first, then the linked ones in the order linked. */
  list(sub: string): UserIdentity[] {
    const separator = sub.indexOf('|');
    const provider = separator < 0 ? 'auth0' : sub.slice(0, separator);
    const primary: UserIdentity = {
      provider,
      user_id: sub.slice(separator + 1),
      // A passwordless user's connection is named as its provider (`email`, `sms`).
      connection: PASSWORDLESS_PROVIDERS.has(provider) ? provider : PRIMARY_CONNECTION,
      isSocial: false,
    };
    const linked = (this.#linkedTo.get(sub) ?? []).map(({ connection, account }) => ({
      provider: connection,
      user_id: account.user_id,
      connection,
      isSocial: true,
      profileData: { email: account.email, name: account.name },
    }));
    return [primary, ...linked];
  }

  /** The user an account of a connection is linked to, if any. */
  ownerOf(connection: string, userId: string): string | undefined {
    for (const [sub, accounts] of this.#linkedTo) {
      if (
        accounts.some(
          (linked) => linked.connection === connection && linked.account.user_id === userId,
        )
      )
        return sub;
    }
    return undefined;
  }

  /**
   * Links an account of a connection to `sub`, replacing an account of that connection it had;
   * `false` when the account is linked to another user.
   */
  link(sub: string, connection: string, account: DevConnectionUserConfig): boolean {
    const owner = this.ownerOf(connection, account.user_id);
    if (owner !== undefined && owner !== sub) return false;
    const name = account.name ?? account.email.split('@')[0] ?? account.email;
    const others = (this.#linkedTo.get(sub) ?? []).filter(
      (linked) => linked.connection !== connection,
    );
    this.#linkedTo.set(sub, [...others, { connection, account: { ...account, name } }]);
    return true;
  }

  /** Unlinks the account of a connection from `sub`; `false` when it had none. */
  unlink(sub: string, connection: string): boolean {
    const accounts = this.#linkedTo.get(sub) ?? [];
    const kept = accounts.filter((linked) => linked.connection !== connection);
    this.#linkedTo.set(sub, kept);
    return kept.length < accounts.length;
  }
}
