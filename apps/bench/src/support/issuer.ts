import {
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
  sign,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALICE_SUB } from '../servers/types.js';

/** The API every scenario protects: the `aud` of the tokens and the `audience` of every library. */
export const AUDIENCE = 'https://api.bench.example';

/** What a verifier needs to know about the local issuer. */
export interface IssuerInfo {
  /** Origin, e.g. `http://127.0.0.1:4000` (what libraries call `domain` or `issuerBaseURL`). */
  url: string;
  /** `url` plus `/`: the `iss` of every token, as Auth0's issuers end. */
  issuer: string;
  jwksUri: string;
  audience: string;
}

/** Signing keys of the local issuer: RSA for the request scenarios, Ed25519 to mint 100,000 tokens fast. */
interface SigningKey {
  kid: string;
  alg: 'RS256' | 'EdDSA';
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

function signingKey(alg: 'RS256' | 'EdDSA'): SigningKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ed25519');
  const kid = `bench-${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Options of {@link LocalIssuer.mint}. */
export interface MintOptions {
  alg?: 'RS256' | 'EdDSA';
  /** Overrides the `kid` of the header (e.g. a random one nobody publishes). */
  kid?: string;
  /** Claims over the defaults (`undefined` removes one). */
  claims?: Record<string, unknown>;
}

/**
 * A tiny authorization server on loopback: the discovery document and the key set that every
 * library under test fetches, and the minting of the RS256 access tokens they all verify. It only
 * serves those two documents, once per verifier at start-up, so it can share the load generator's
 * process without taking part in any timed request.
 */
export class LocalIssuer implements IssuerInfo {
  readonly url: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience = AUDIENCE;
  /** How many times the documents were fetched, by path. */
  readonly hits = new Map<string, number>();
  readonly #server: Server;
  readonly #keys: Record<'RS256' | 'EdDSA', SigningKey>;

  private constructor(server: Server, keys: Record<'RS256' | 'EdDSA', SigningKey>) {
    const { port } = server.address() as AddressInfo;
    this.#server = server;
    this.#keys = keys;
    this.url = `http://127.0.0.1:${port}`;
    this.issuer = `${this.url}/`;
    this.jwksUri = `${this.url}/.well-known/jwks.json`;
  }

  /** Generates the keys and starts serving on 127.0.0.1 (port chosen by the system). */
  static async start(): Promise<LocalIssuer> {
    const keys = { RS256: signingKey('RS256'), EdDSA: signingKey('EdDSA') };
    let issuer: LocalIssuer | undefined;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const body = issuer?.document(path);
      if (!issuer || !body) {
        res.writeHead(404).end();
        return;
      }
      issuer.hits.set(path, (issuer.hits.get(path) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = new LocalIssuer(server, keys);
    return issuer;
  }

  /** What the child processes need to know: plain data that crosses IPC. */
  info(): IssuerInfo {
    return { url: this.url, issuer: this.issuer, jwksUri: this.jwksUri, audience: this.audience };
  }

  /** The private Ed25519 key as PKCS #8 PEM, for a child that mints many tokens itself. */
  edDsaSigner(): { kid: string; pem: string } {
    const key = this.#keys.EdDSA;
    return { kid: key.kid, pem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string };
  }

  private document(path: string): object | undefined {
    if (path === '/.well-known/openid-configuration') {
      return {
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/oauth/token`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'EdDSA'],
      };
    }
    if (path === '/.well-known/jwks.json') {
      return { keys: Object.values(this.#keys).map((key) => key.publicJwk) };
    }
    return undefined;
  }

  /** A signed access token for {@link AUDIENCE}, valid for an hour unless the claims say otherwise. */
  mint(options: MintOptions = {}): string {
    const key = this.#keys[options.alg ?? 'RS256'];
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      sub: ALICE_SUB,
      aud: AUDIENCE,
      iat: now,
      exp: now + 3600,
      scope: 'read:orders',
      client_id: 'bench-client',
      jti: randomUUID(),
      ...options.claims,
    };
    const header = { alg: key.alg, typ: 'at+jwt', kid: options.kid ?? key.kid };
    const input = `${base64url(header)}.${base64url(claims)}`;
    const digest = key.alg === 'RS256' ? 'sha256' : null;
    return `${input}.${sign(digest, Buffer.from(input), key.privateKey).toString('base64url')}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/** Signs tokens with an exported Ed25519 key: what the memory worker uses to mint its tokens. */
export function edDsaMinter(signer: { kid: string; pem: string }, issuer: IssuerInfo) {
  const privateKey = createPrivateKey(signer.pem);
  const header = base64url({ alg: 'EdDSA', typ: 'at+jwt', kid: signer.kid });
  return (claims: Record<string, unknown>, kid?: string): string => {
    const head = kid === undefined ? header : base64url({ alg: 'EdDSA', typ: 'at+jwt', kid });
    const now = Math.floor(Date.now() / 1000);
    const body = base64url({
      iss: issuer.issuer,
      aud: issuer.audience,
      iat: now,
      exp: now + 3600,
      ...claims,
    });
    const input = `${head}.${body}`;
    return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
  };
}

/** The tokens every protected-route scenario is checked with. */
export interface TokenSet {
  /** RS256, right issuer and audience, valid for an hour: the token every timed request carries. */
  valid: string;
  /** `valid` with a changed signature. */
  badSignature: string;
  /** Signed by the issuer for another API. */
  wrongAudience: string;
  /** Signed by the issuer, expired an hour ago. */
  expired: string;
  /** Signed with the issuer's key but naming another issuer (`iss`). */
  wrongIssuer: string;
}

export function tokenSet(issuer: LocalIssuer): TokenSet {
  const valid = issuer.mint();
  const now = Math.floor(Date.now() / 1000);
  const signatureStart = valid.lastIndexOf('.') + 1;
  const middle = signatureStart + 20;
  const flipped = valid[middle] === 'A' ? 'B' : 'A';
  return {
    valid,
    badSignature: `${valid.slice(0, middle)}${flipped}${valid.slice(middle + 1)}`,
    wrongAudience: issuer.mint({ claims: { aud: 'https://other-api.example' } }),
    expired: issuer.mint({ claims: { iat: now - 7200, exp: now - 3600 } }),
    wrongIssuer: issuer.mint({ claims: { iss: 'https://other-tenant.example/' } }),
  };
}
