import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  KeyObject,
  randomUUID,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { ConfigurationError } from '../errors.js';

/**
 * The app's DPoP key (RFC 9449): a private key as PEM (PKCS#8 or SEC1), a private JWK, or a
 * `KeyObject`; P-256 (ES256) or Ed25519 (EdDSA). Every instance of the app must use the same key,
 * so that a token bound on one instance works on the others.
 */
export type DpopPrivateKey = string | JsonWebKey | KeyObject;

/** The `dpop` option. */
export interface DpopOptions {
  /** The key every proof is signed with; its thumbprint is the tokens' `cnf.jkt`. */
  privateKey: DpopPrivateKey;
}

/** Most origins whose last nonce is remembered. */
const MAX_NONCES = 100;

/** The `htu` of a request: its URL without query and fragment (RFC 9449 §4.2). */
const htuOf = (url: URL) => `${url.origin}${url.pathname}`;

/** base64url(SHA-256(token)): a proof's `ath`, binding it to the access token it goes with. */
export const accessTokenHash = (token: string) =>
  createHash('sha256').update(token, 'ascii').digest('base64url');

function privateKeyOf(input: unknown): KeyObject {
  try {
    if (input instanceof KeyObject) return input;
    if (typeof input === 'string') return createPrivateKey(input);
    if (typeof input === 'object' && input !== null) {
      return createPrivateKey({ key: input as JsonWebKey, format: 'jwk' });
    }
  } catch (cause) {
    throw new ConfigurationError(
      'dpop.privateKey',
      `is not a private key: ${(cause as Error).message}`,
    );
  }
  throw new ConfigurationError(
    'dpop.privateKey',
    'must be a PEM string, a private JWK or a KeyObject.',
  );
}

/**
 * Signs the app's DPoP proofs (RFC 9449 §4) and remembers the last nonce each server gave
 * (`DPoP-Nonce`), so that the next proof to it carries it without a second round trip.
 */
export class DpopProofs {
  readonly alg: 'ES256' | 'EdDSA';
  readonly #key: KeyObject;
  readonly #publicJwk: JWK;
  readonly #nonces = new Map<string, string>();
  #thumbprint: Promise<string> | undefined;

  /** @throws ConfigurationError naming `dpop.privateKey` for anything but a P-256 or Ed25519 private key. */
  constructor(options: DpopOptions) {
    const key = privateKeyOf(options?.privateKey);
    if (key.type !== 'private') {
      throw new ConfigurationError('dpop.privateKey', 'must be a private key, not a public one.');
    }
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') this.alg = 'ES256';
    else if (key.asymmetricKeyType === 'ed25519') this.alg = 'EdDSA';
    else {
      throw new ConfigurationError(
        'dpop.privateKey',
        'must be a P-256 (ES256) or Ed25519 (EdDSA) key.',
      );
    }
    this.#key = key;
    const { kty, crv, x, y } = createPublicKey(key).export({ format: 'jwk' });
    this.#publicJwk = { kty, crv, x, ...(y ? { y } : {}) } as JWK;
  }

  /** The key's JWK SHA-256 thumbprint: the `cnf.jkt` of every token bound to it. */
  thumbprint(): Promise<string> {
    this.#thumbprint ??= calculateJwkThumbprint(this.#publicJwk, 'sha256');
    return this.#thumbprint;
  }

  /** A proof for one request; with `accessToken` (a resource request), its `ath`. */
  async proof(method: string, url: URL, accessToken?: string): Promise<string> {
    const nonce = this.#nonces.get(url.origin);
    return new SignJWT({
      htm: method.toUpperCase(),
      htu: htuOf(url),
      jti: randomUUID(),
      ...(nonce ? { nonce } : {}),
      ...(accessToken ? { ath: accessTokenHash(accessToken) } : {}),
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: this.alg, jwk: this.#publicJwk })
      .setIssuedAt()
      .sign(this.#key);
  }

  /**
   * Keeps the `DPoP-Nonce` a response carries for its origin. True when it is a new one: a request
   * refused for want of it is worth one retry.
   */
  rememberNonce(url: URL, response: Response): boolean {
    const nonce = response.headers.get('dpop-nonce');
    if (!nonce || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(nonce)) return false;
    const known = this.#nonces.get(url.origin);
    this.#nonces.delete(url.origin);
    this.#nonces.set(url.origin, nonce);
    if (this.#nonces.size > MAX_NONCES) {
      const oldest = this.#nonces.keys().next().value;
      if (oldest !== undefined) this.#nonces.delete(oldest);
    }
    return known !== nonce;
  }
}
