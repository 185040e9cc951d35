import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** Makes a fresh RS256 signing key as a private JWK with a `kid`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/**
 * The tenant's signing keys, newest first. The provider signs with the first key and publishes all
 * of them, so tokens signed before a rotation still verify.
 */
export class SigningKeys {
  #keys: JWK[];

  private constructor(keys: JWK[]) {
    this.#keys = keys;
  }

  static async create(): Promise<SigningKeys> {
    return new SigningKeys([await generateSigningKey()]);
  }

  /** Adds a new key in front; it signs from now on. Returns its `kid`. */
  async rotate(): Promise<string> {
    const key = await generateSigningKey();
    this.#keys = [key, ...this.#keys];
    return key.kid as string;
  }

  /** The private JWK Set, as oidc-provider's `jwks` option takes it. */
  get privateJwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((key) => ({ ...key })) };
  }

  /** The `kid` of the key that signs now. */
  get currentKid(): string {
    return this.#keys[0]?.kid as string;
  }
}
