import { createHash, hkdfSync } from 'node:crypto';
import * as Iron from '@hapi/iron';

/**
 * What a sealed value is for. Each purpose has its own keys, so a value sealed for one purpose
 * never unseals as another (a transaction cookie pasted into the session cookie is refused).
 */
export type SealPurpose = 'session' | 'transaction' | 'session-id' | (string & {});

interface SealedPayload {
  /** Seconds since the epoch after which the value is refused, whatever the cookie's Max-Age. */
  exp: number;
  value: unknown;
}

interface PurposeKey {
  id: string;
  encryption: Buffer;
  integrity: Buffer;
}

const IRON_OPTIONS = { ...Iron.defaults, ttl: 0 };

/** Unpadded base64url, as Iron writes the iv, the ciphertext and the HMAC. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `sealed` has exactly the shape {@link Sealer.seal} writes, for a key we hold:
 * `Fe26.2*<key id>**<iv>*<ciphertext>***<hmac>`. Iron's HMAC does not cover the HMAC salt, and
 * with pre-derived keys Iron ignores both salts, so without this check one seal had unlimited
 * encodings (anything in the salt field was accepted). Each value now has exactly one.
 */
function isCanonicalSeal(sealed: string, keys: Readonly<Record<string, PurposeKey>>): boolean {
  const fields = sealed.split('*');
  if (fields.length !== 8) return false;
  const [prefix, id, encryptionSalt, iv, ciphertext, expiration, hmacSalt, hmac] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return (
    prefix === Iron.macPrefix &&
    Object.hasOwn(keys, id) &&
    encryptionSalt === '' &&
    expiration === '' &&
    hmacSalt === '' &&
    BASE64URL.test(iv) &&
    BASE64URL.test(ciphertext) &&
    BASE64URL.test(hmac)
  );
}

function deriveKey(secret: string, purpose: string, use: 'encryption' | 'integrity'): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'gatehouse', `gatehouse ${purpose} ${use}`, 32));
}

/**
 * Seals values (encrypt then MAC, with @hapi/iron) under keys derived per purpose from the app
 * secrets. The first secret seals; every secret unseals, so secrets rotate without logging anyone
 * out. Unsealing never throws: tampered, truncated, foreign or expired input is `undefined`.
 */
export class Sealer {
  readonly #current: PurposeKey;
  readonly #byId: Record<string, PurposeKey>;

  constructor(secrets: readonly string[], purpose: SealPurpose) {
    const keys = secrets.map((secret) => ({
      // The id names the secret in the sealed string so unsealing picks the right key at once.
      id: createHash('sha256').update(secret).digest('hex').slice(0, 12),
      encryption: deriveKey(secret, purpose, 'encryption'),
      integrity: deriveKey(secret, purpose, 'integrity'),
    }));
    if (!keys[0]) throw new TypeError('Sealer needs at least one secret');
    this.#current = keys[0];
    this.#byId = Object.fromEntries(keys.map((key) => [key.id, key]));
  }

  /** Seals `value` until `expiresAt` (seconds since the epoch). */
  async seal(value: unknown, expiresAt: number): Promise<string> {
    const payload: SealedPayload = { exp: Math.floor(expiresAt), value };
    return Iron.seal(payload, this.#current, IRON_OPTIONS);
  }

  /** The sealed value, or undefined when it is not ours, was altered, or has expired. */
  async unseal<T>(sealed: string, now = Date.now() / 1000): Promise<T | undefined> {
    if (sealed.length > 64 * 1024 || !isCanonicalSeal(sealed, this.#byId)) return undefined;
    try {
      const payload = (await Iron.unseal(sealed, this.#byId, IRON_OPTIONS)) as SealedPayload;
      if (typeof payload?.exp !== 'number' || payload.exp <= now) return undefined;
      return payload.value as T;
    } catch {
      return undefined;
    }
  }
}
