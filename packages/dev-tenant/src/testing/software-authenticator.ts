import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { cose, isoCBOR } from '@simplewebauthn/server/helpers';

/** Options of {@link SoftwareAuthenticator}. */
export interface SoftwareAuthenticatorOptions {
  /** The origin of the page the "browser" is on, put in every `clientDataJSON`. */
  origin: string;
}

/** Per call: what a test may make the authenticator do wrong. */
export interface CeremonyOverrides {
  /** Another origin than the authenticator's, for this call only (a phishing page). */
  origin?: string;
}

/** Options of {@link SoftwareAuthenticator.get}. */
export interface GetOverrides extends CeremonyOverrides {
  /** Sign with a fresh key instead of the passkey's: a signature the tenant cannot verify. */
  signWithAnotherKey?: boolean;
}

/** One passkey the authenticator holds: a P-256 key, its user and its signature counter. */
interface SoftwareCredential {
  id: Buffer;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
}

const ES256 = -7;
/** Authenticator data flags (WebAuthn §6.1): user present, user verified, attested data. */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer | Uint8Array) => Buffer.from(data).toString('base64url');

function counterBytes(counter: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(counter);
  return bytes;
}

/** The credential public key as COSE (RFC 9053 EC2, P-256), CBOR-encoded by the library. */
function coseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const key = new Map<number, number | Uint8Array>([
    [cose.COSEKEYS.kty, cose.COSEKTY.EC2],
    [cose.COSEKEYS.alg, ES256],
    [cose.COSEKEYS.crv, cose.COSECRV.P256],
    [cose.COSEKEYS.x, Buffer.from(jwk.x as string, 'base64url')],
    [cose.COSEKEYS.y, Buffer.from(jwk.y as string, 'base64url')],
  ]);
  return isoCBOR.encode(key as never);
}

/**
 * A passkey authenticator in software, for tests: it answers the options of the tenant's
 * `/passkey/register` and `/passkey/challenge` as a browser and a platform authenticator would
 * (`navigator.credentials.create()` / `.get()` followed by `toJSON()`): ES256 keys, `none`
 * attestation, discoverable credentials, a signature counter that goes up by one per sign-in.
 * What it returns is the JSON the tenant's passkey grant takes as `authn_response`.
 *
 * @example
 * const authenticator = new SoftwareAuthenticator({ origin: 'http://localhost:3000' });
 * const registration = authenticator.create(signup.authn_params_public_key);
 * // ... later, to sign in:
 * const assertion = authenticator.get(challenge.authn_params_public_key);
 */
export class SoftwareAuthenticator {
  readonly origin: string;
  readonly #credentials: SoftwareCredential[] = [];

  constructor(options: SoftwareAuthenticatorOptions) {
    this.origin = options.origin;
  }

  /** How many passkeys it holds. */
  get size(): number {
    return this.#credentials.length;
  }

  /**
   * A copy holding the same keys with the same counters: a cloned authenticator. Once either has
   * signed in, the other's next signature repeats a counter the tenant has seen.
   */
  clone(): SoftwareAuthenticator {
    const copy = new SoftwareAuthenticator({ origin: this.origin });
    copy.#credentials.push(...this.#credentials.map((credential) => ({ ...credential })));
    return copy;
  }

  /** Creates a passkey for creation options (`authn_params_public_key` of a sign-up). */
  create(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    if (!options.pubKeyCredParams.some((param) => param.alg === ES256)) {
      throw new Error('SoftwareAuthenticator: the relying party does not accept ES256');
    }
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: SoftwareCredential = {
      id: randomBytes(16),
      rpId,
      userHandle: options.user.id,
      privateKey,
      publicKey,
      counter: 0,
    };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authenticatorData = Buffer.concat([
      sha256(rpId),
      Buffer.from([UP | UV | AT]),
      counterBytes(credential.counter),
      Buffer.alloc(16), // AAGUID: none, as a `none` attestation may say
      idLength,
      credential.id,
      Buffer.from(coseKey(publicKey)),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authenticatorData],
      ]) as never,
    );
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge, overrides);
    this.#credentials.push(credential);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        authenticatorData: b64url(authenticatorData),
        transports: ['internal'],
        publicKeyAlgorithm: ES256,
        publicKey: b64url(publicKey.export({ format: 'der', type: 'spki' })),
      },
      clientExtensionResults: {},
    };
  }

  /**
   * Signs in with a passkey for request options (`authn_params_public_key` of a challenge): one
   * of `allowCredentials` when they are listed, else the first passkey for the RP ID.
   */
  get(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: GetOverrides = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((entry) => entry.id));
    const credential = this.#credentials.find(
      (candidate) =>
        candidate.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(candidate.id))),
    );
    if (!credential) throw new Error(`SoftwareAuthenticator: no passkey for ${rpId}`);
    credential.counter += 1;
    const authenticatorData = Buffer.concat([
      sha256(rpId),
      Buffer.from([UP | UV]),
      counterBytes(credential.counter),
    ]);
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge, overrides);
    const key = overrides.signWithAnotherKey
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      : credential.privateKey;
    // ES256 signatures are DER-encoded in WebAuthn (§6.5.6), node's default for EC keys.
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, sha256(clientDataJSON)]),
      key,
    );
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
    };
  }

  #clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    const origin = overrides.origin ?? this.origin;
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }
}
