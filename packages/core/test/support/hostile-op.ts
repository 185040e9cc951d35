/**
 * A small OpenID Provider on loopback that answers whatever a test row tells it to: the relying
 * party conformance cases (the OpenID Foundation's Basic RP, Config RP and refresh modules, and
 * the FAPI plans' ID-token checks) are rows that change one artefact of an otherwise valid
 * exchange. Every request is logged, so a test can assert that nothing reached the provider after
 * a bad artefact. Real HTTP throughout; nothing here stands in for the code under test.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateTestKey, signJws, type TestKey } from '@gatehouse/test-kit/tokens';

export const CLIENT_ID = 'conformance-rp';
/** A secret with the punctuation form-encoding must survive inside HTTP Basic. */
export const CLIENT_SECRET = 'p@ss:w/rd+&=%? é';
export const REDIRECT_URI = 'http://app.test/callback';

/** One request the provider received. */
export interface LoggedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}

/** What an endpoint answers: a status (default 200), a JSON body, extra headers. */
export interface Answer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The provider's behaviour, reset before each test; rows change one field. */
export interface OpScript {
  /** Fields merged over the valid discovery document. */
  discovery: Record<string, unknown>;
  /** The published JWKS. */
  jwks: () => unknown;
  /** The token endpoint's answer, per grant. */
  token: (form: URLSearchParams) => Promise<Answer> | Answer;
  userinfo: (request: LoggedRequest) => Promise<Answer> | Answer;
}

export interface HostileOp {
  url: string;
  issuer: string;
  /** The provider's signing key (RS256, published) and a second one for other algorithms. */
  keys: { rs256: TestKey; es256: TestKey; rogue: TestKey };
  requests: LoggedRequest[];
  script: OpScript;
  /** The paths requested since `index`. */
  pathsSince(index: number): string[];
  /** Restores the valid behaviour and empties the log. */
  reset(): void;
  close(): Promise<void>;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startHostileOp(): Promise<HostileOp> {
  const keys = {
    rs256: await generateTestKey('RS256', { kid: 'rs-1' }),
    es256: await generateTestKey('ES256', { kid: 'es-1' }),
    // Same kid as the real key, never published: a forged signature.
    rogue: await generateTestKey('RS256', { kid: 'rs-1' }),
  };
  const requests: LoggedRequest[] = [];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://op').pathname;
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      form: await readForm(req),
    };
    requests.push(logged);
    const answer = await route(op.script, logged, op.issuer);
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json',
      ...answer.headers,
    });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const valid = (): OpScript => ({
    discovery: {},
    jwks: () => ({ keys: [keys.rs256.publicJwk, keys.es256.publicJwk] }),
    token: () => ({ status: 400, body: { error: 'invalid_grant' } }),
    userinfo: () => ({ status: 401, body: { error: 'invalid_token' } }),
  });
  const op: HostileOp = {
    url,
    issuer: `${url}/`,
    keys,
    requests,
    script: valid(),
    pathsSince: (index) => requests.slice(index).map((request) => request.path),
    reset() {
      op.script = valid();
      requests.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return op;
}

function route(script: OpScript, request: LoggedRequest, issuer: string): Promise<Answer> | Answer {
  switch (request.path) {
    case '/.well-known/openid-configuration':
      return {
        body: {
          issuer,
          authorization_endpoint: `${issuer}authorize`,
          token_endpoint: `${issuer}oauth/token`,
          userinfo_endpoint: `${issuer}userinfo`,
          jwks_uri: `${issuer}.well-known/jwks.json`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          // A hostile document: `none` and HMAC advertised; the client must not follow it.
          id_token_signing_alg_values_supported: ['RS256', 'ES256', 'HS256', 'none'],
          authorization_response_iss_parameter_supported: true,
          ...script.discovery,
        },
      };
    case '/.well-known/jwks.json':
      return { body: script.jwks() };
    case '/oauth/token':
      return script.token(request.form);
    case '/userinfo':
      return script.userinfo(request);
    default:
      return { status: 404, body: { error: 'not_found' } };
  }
}

/** Claims of a valid ID token from `op` for `nonce`, at the current time. */
export function idTokenClaims(op: HostileOp, nonce?: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: op.issuer,
    sub: 'auth0|alice',
    aud: CLIENT_ID,
    exp: now + 3600,
    iat: now,
    ...(nonce !== undefined ? { nonce } : {}),
    email: 'alice@example.com',
  };
}

/** An ID token signed with the provider's RS256 key unless the header or key say otherwise. */
export function signIdToken(
  op: HostileOp,
  claims: Record<string, unknown>,
  options: { header?: Record<string, unknown>; key?: TestKey | Uint8Array | 'none' } = {},
): Promise<string> {
  const key = options.key ?? op.keys.rs256;
  const header =
    options.header ??
    (key instanceof Uint8Array || key === 'none' ? {} : { alg: key.alg, kid: key.kid });
  return signJws(header, claims, key);
}

/** A valid token response around an ID token. */
export function tokenResponse(idToken: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    access_token: 'opaque-access-token',
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: 'refresh-1',
    scope: 'openid profile email offline_access',
    ...(idToken !== undefined ? { id_token: idToken } : {}),
    ...extra,
  };
}
