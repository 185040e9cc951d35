import { randomBytes } from 'node:crypto';

/** How long an `auth_session` of `/passkey/register` or `/passkey/challenge` can be used: 5 min. */
export const PASSKEY_SESSION_LIFETIME = 300;

/** A sign-up's user, not created until the registration verifies. */
export interface PendingUser {
  email: string;
  name: string | undefined;
  /** The WebAuthn user handle (`user.id` of the creation options), base64url. */
  userHandle: string;
}

/** What an `auth_session` stands for: one ceremony of one client, for one challenge. */
export interface PasskeySession {
  kind: 'signup' | 'login';
  clientId: string;
  /** The WebAuthn challenge sent, base64url. */
  challenge: string;
  /** The `realm` and `organization` asked for at the challenge; the grant may not change them. */
  realm: string | undefined;
  organization: string | undefined;
  /** Sign-up: who signs up. */
  user?: PendingUser;
  /** Login: the `username` given, whose passkeys alone may answer. */
  username?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/** A registered passkey: its public key (COSE) and the signature counter last seen. */
export interface StoredCredential {
  /** Credential ID, base64url. */
  id: string;
  sub: string;
  /** The user handle the authenticator returns on sign-in, base64url. */
  userHandle: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * The tenant's passkeys, in memory: the `auth_session`s waiting for their token request (each used
 * once, expiring after {@link PASSKEY_SESSION_LIFETIME}), and each user's registered credentials.
 */
export class Passkeys {
  readonly #sessions = new Map<string, PasskeySession>();
  readonly #credentials = new Map<string, StoredCredential>();

  /** Opens a ceremony; returns its opaque `auth_session`. */
  open(session: Omit<PasskeySession, 'expiresAt'>): string {
    this.#sweep();
    const handle = randomBytes(32).toString('base64url');
    this.#sessions.set(handle, { ...session, expiresAt: now() + PASSKEY_SESSION_LIFETIME });
    return handle;
  }

  /**
   * The ceremony of an `auth_session`, taken out: whatever the token request then makes of it, the
   * same `auth_session` never serves twice (a replayed one is unknown). Expired ones are unknown.
   */
  take(handle: string): PasskeySession | undefined {
    const session = this.#sessions.get(handle);
    this.#sessions.delete(handle);
    return session && session.expiresAt >= now() ? session : undefined;
  }

  add(credential: StoredCredential): void {
    this.#credentials.set(credential.id, credential);
  }

  find(id: string): StoredCredential | undefined {
    return this.#credentials.get(id);
  }

  /** The credentials of a user, for `allowCredentials`. */
  of(sub: string): StoredCredential[] {
    return [...this.#credentials.values()].filter((credential) => credential.sub === sub);
  }

  /** Records the counter of a verified sign-in, so the next one must go higher. */
  updateCounter(id: string, counter: number): void {
    const credential = this.#credentials.get(id);
    if (credential) credential.counter = counter;
  }

  #sweep(): void {
    const time = now();
    for (const [handle, session] of this.#sessions) {
      if (session.expiresAt < time) this.#sessions.delete(handle);
    }
  }
}
