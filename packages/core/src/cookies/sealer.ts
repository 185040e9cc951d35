import { createDecipheriv, createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
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
    return (await this.unsealWithExpiry<T>(sealed, now))?.value;
  }

  /** As {@link Sealer.unseal}, with the expiry the value was sealed with. */
  async unsealWithExpiry<T>(
    sealed: string,
    now = Date.now() / 1000,
  ): Promise<{ value: T; exp: number } | undefined> {
    if (sealed.length > 64 * 1024 || !isCanonicalSeal(sealed, this.#byId)) return undefined;
    try {
      const payload = (await Iron.unseal(sealed, this.#byId, IRON_OPTIONS)) as SealedPayload;
      if (typeof payload?.exp !== 'number' || payload.exp <= now) return undefined;
      return { value: payload.value as T, exp: payload.exp };
    } catch {
      return undefined;
    }
  }

  /**
   * Seals bytes in Iron's own format (`Fe26.2`, AES-256-CBC then HMAC-SHA256 over the same fields,
   * the same purpose keys), for values that carry their own encoding (the compact session
   * format): Iron's `seal` would first turn them into JSON, and a binary value into base64 inside
   * JSON, a third more bytes before its own base64url. Expiry belongs inside `bytes`.
   */
  async sealBytes(bytes: Uint8Array): Promise<string> {
    const { encrypted, key } = await Iron.encrypt(
      this.#current.encryption,
      IRON_OPTIONS.encryption,
      bytes as unknown as string, // Iron passes it to `cipher.update`, which takes bytes as they are.
    );
    const base = `${Iron.macPrefix}*${this.#current.id}**${key.iv.toString('base64url')}*${encrypted.toString('base64url')}*`;
    const mac = await Iron.hmacWithPassword(this.#current.integrity, IRON_OPTIONS.integrity, base);
    return `${base}**${mac.digest}`;
  }

  /**
   * The bytes {@link Sealer.sealBytes} sealed, or undefined when the seal is not ours or was
   * altered. Also opens seals of {@link Sealer.seal} (their bytes are Iron's JSON text): callers
   * tell the two apart by the first byte.
   */
  async unsealBytes(sealed: string): Promise<Buffer | undefined> {
    if (sealed.length > 64 * 1024 || !isCanonicalSeal(sealed, this.#byId)) return undefined;
    const [, id, , iv, encrypted, , , mac] = sealed.split('*') as string[];
    const key = this.#byId[id as string] as PurposeKey;
    const base = sealed.slice(0, sealed.length - (mac as string).length - 2);
    const expected = await Iron.hmacWithPassword(key.integrity, IRON_OPTIONS.integrity, base);
    const given = Buffer.from(mac as string);
    const computed = Buffer.from(expected.digest);
    if (given.length !== computed.length || !timingSafeEqual(given, computed)) return undefined;
    try {
      const ivBytes = Buffer.from(iv as string, 'base64url');
      const { key: encryptionKey } = await Iron.generateKey(key.encryption, {
        ...IRON_OPTIONS.encryption,
        iv: ivBytes,
      });
      const decipher = createDecipheriv(IRON_OPTIONS.encryption.algorithm, encryptionKey, ivBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(encrypted as string, 'base64url')),
        decipher.final(),
      ]);
    } catch {
      return undefined;
    }
  }
}
