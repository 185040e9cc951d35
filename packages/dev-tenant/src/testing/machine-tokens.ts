import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/**
 * A DPoP key pair (ES256) and the proofs it signs (RFC 9449 §4.2), as an API client holds them.
 *
 * @example
 * const key = new DpopKey();
 * const proof = key.proof({ htm: 'GET', htu: 'https://api.example.com/orders', accessToken });
 */
export class DpopKey {
  readonly #privateKey: KeyObject;
  /** The public key, as it goes into each proof's header. */
  readonly publicJwk: JsonWebKey;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    this.publicJwk = { kty, crv, x, y };
  }

  /** RFC 7638 thumbprint of the public key: the `cnf.jkt` of tokens bound to it. */
  get thumbprint(): string {
    const { crv, kty, x, y } = this.publicJwk;
    return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  }

  /** A fresh proof for one request; `accessToken` adds its hash (`ath`) for resource requests. */
  proof(request: {
    htm: string;
    htu: string;
    accessToken?: string;
    nonce?: string;
    iat?: number;
  }): string {
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: this.publicJwk };
    const payload = {
      jti: randomUUID(),
      htm: request.htm,
      htu: request.htu,
      iat: request.iat ?? Math.floor(Date.now() / 1000),
      ...(request.accessToken && {
        ath: createHash('sha256').update(request.accessToken).digest('base64url'),
      }),
      ...(request.nonce && { nonce: request.nonce }),
    };
    const input = [header, payload]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const signature = sign('sha256', Buffer.from(input), {
      key: this.#privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }
}

/** Options of {@link machineToken}. */
export interface MachineTokenOptions {
  /** The tenant's origin, e.g. `tenant.url`. */
  tenantUrl: string;
  clientId: string;
  clientSecret: string;
  /** The API's identifier. */
  audience: string;
  /** Space-separated scopes to ask for. */
  scope?: string;
  /** Bind the token to this key (RFC 9449): the token type is then `DPoP`. */
  dpop?: DpopKey;
}

/**
 * A machine-to-machine access token from the dev tenant's client credentials grant, as an API's
 * backend caller gets it; DPoP-bound when a key is given.
 */
export async function machineToken(
  options: MachineTokenOptions,
): Promise<{ accessToken: string; tokenType: string; scope?: string }> {
  const tokenUrl = `${options.tenantUrl}/oauth/token`;
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(options.dpop && { dpop: options.dpop.proof({ htm: 'POST', htu: tokenUrl }) }),
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
      audience: options.audience,
      ...(options.scope && { scope: options.scope }),
    }),
  });
  const body = (await response.json()) as Record<string, string>;
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`client credentials grant failed: ${response.status} ${body.error ?? ''}`);
  }
  return { accessToken: body.access_token, tokenType: body.token_type ?? '', scope: body.scope };
}
