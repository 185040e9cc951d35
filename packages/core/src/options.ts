import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  type AsymmetricAlgorithm,
  isAsymmetricAlgorithm,
  type Logger,
  type ReplayStore,
} from '@gatehouse/base';
import { ConfigurationError } from './errors.js';
import { wholeSeconds } from './login/max-age.js';
import type { DomainResolver } from './oidc/domains.js';
import type { DpopOptions } from './oidc/dpop.js';
import type { IdTokenPolicy, IdTokenSigningAlg } from './oidc/id-token.js';
import { isHmacAlgorithm } from './oidc/signature.js';
import type { BeforeSessionSaved } from './session/hook.js';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from './session/lifetime.js';
import type { ScopeOption } from './session/scopes.js';
import type { LogoutRevocations } from './stores/revocations.js';
import type { StateStore, TransactionStore } from './stores/types.js';

/** Parameters sent to `/authorize` (and, for `audience`/`scope`, to refreshes). */
export interface AuthorizationParams {
  /** Where the tenant sends the browser back to: the app's callback route. */
  redirect_uri?: string;
  /** The API to get an access token for at login. */
  audience?: string;
  /**
   * Scopes to ask for: one string, or one per audience (Multi-Resource Refresh Tokens; the
   * default audience uses the `default` entry). Default `openid profile email offline_access`;
   * `openid` is always added.
   */
  scope?: ScopeOption;
  /** Any other parameter is passed through to `/authorize` (e.g. `organization`, `screen_hint`). */
  [parameter: string]: unknown;
}

/**
 * Signing algorithms accepted for `private_key_jwt` client assertions: the asymmetric ones Auth0
 * accepts for client authentication (not ES512, not EdDSA).
 */
export type ClientAssertionAlg = Exclude<AsymmetricAlgorithm, 'ES512' | 'EdDSA'>;

/** How the client authenticates at the tenant's token and PAR endpoints (RFC 6749 §2.3, RFC 7523). */
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt';

/** Options of `new ServerClient(options)`. */
export interface ServerClientOptions<TStoreOptions> {
  /**
   * The tenant: a host name such as `tenant.auth0.com` (https is assumed) or a full origin.
   * Plain http is accepted only for loopback hosts, such as the local dev tenant. With multiple
   * custom domains, a resolver `(context) => domain` deciding per request (from
   * `storeOptions.request`, which the web integrations fill): transactions and sessions record
   * their domain, and each completes, refreshes and logs out on its own.
   */
  domain: string | DomainResolver<TStoreOptions>;
  /** The application's client id. */
  clientId: string;
  /** The client secret. Give this or `clientAssertionSigningKey`. */
  clientSecret?: string;
  /**
   * How the client authenticates on every request to the tenant (token, PAR, Token Vault): the
   * secret in HTTP Basic (`client_secret_basic`, form-encoded so any punctuation works) or in the
   * body (`client_secret_post`), or a signed assertion (`private_key_jwt`). Default:
   * `private_key_jwt` with `clientAssertionSigningKey`, else `client_secret_basic`.
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** A PKCS#8 PEM private key or a `KeyObject`, for `private_key_jwt` client authentication. */
  clientAssertionSigningKey?: string | KeyObject;
  /** Algorithm of the client assertion. Default `RS256`. */
  clientAssertionSigningAlg?: ClientAssertionAlg;
  /**
   * Secret(s) that seal cookies, at least 32 characters each. Several rotate secrets: the first
   * seals, all unseal.
   */
  secret: string | readonly string[];
  /** Default `/authorize` parameters. */
  authorizationParams?: AuthorizationParams;
  /**
   * The one algorithm ID tokens may be signed with, as registered for the application at the
   * tenant. Default `RS256`. `HS256`/`HS384`/`HS512` verify with `clientSecret` and need it;
   * `none` is never accepted.
   */
  idTokenSigningAlg?: IdTokenSigningAlg;
  /**
   * Audiences besides the client that an ID token's `aud` may name (its `azp` must then be this
   * client). Default: none, so an ID token issued for several parties is refused.
   */
  idTokenTrustedAudiences?: readonly string[];
  /** Seconds of clock difference with the tenant tolerated on ID-token times. Default 60. */
  clockTolerance?: number;
  /**
   * Fetch `/userinfo` after each login (access token in the `Authorization` header) and merge its
   * claims into the user; a `sub` other than the ID token's fails the login. For tenants and
   * providers that put claims only there. Default false, as Auth0's SDKs.
   */
  fetchUserInfo?: boolean;
  /**
   * The organization every login goes to (an `org_…` id or a name), unless a login names another.
   * The ID token's `org_id` (for an id) or `org_name` (for a name, case-insensitively) must match.
   */
  organization?: string;
  /** Seconds an `MfaRequiredError`'s `mfaToken` may be used. Default 300. */
  mfaTokenTtl?: number;
  /**
   * Shapes every new session, and each session a refresh brings a new ID token to: add the app's
   * data (`data`, kept sealed), drop claims the app does not need (smaller cookies), or throw to
   * refuse the login (`SessionRefusedError`, nothing stored).
   *
   * @example
   * beforeSessionSaved: async ({ user, data }) => {
   *   const { picture, ...kept } = user; // not needed: a smaller cookie
   *   return { user: kept, data: { ...data, role: await roles.of(user.sub) } };
   * }
   */
  beforeSessionSaved?: BeforeSessionSaved;
  /** Use Pushed Authorization Requests (RFC 9126) for every login. Default false. */
  pushedAuthorizationRequests?: boolean;
  /** Where login transactions live. Default: sealed cookies, one per attempt. */
  transactionStore?: TransactionStore<TStoreOptions>;
  /** Where sessions live. Default: the whole session sealed in cookies (stateless). */
  stateStore?: StateStore<TStoreOptions>;
  /**
   * Where back-channel logouts are remembered so cookie sessions honour them. Default: in memory
   * when sessions live in cookies (use a shared store when the app runs on several machines); none
   * with a stateful store, which deletes the sessions instead.
   */
  logoutRevocations?: LogoutRevocations;
  /**
   * Where used back-channel logout tokens are remembered, so each is accepted once. Default: in
   * memory. When the app runs on several machines, give a shared one (`@gatehouse/redis`'s
   * `RedisLogoutTokenReplayStore`): otherwise a token replayed to another machine within its five
   * minutes of freshness would be accepted there.
   */
  logoutTokenReplayStore?: ReplayStore;
  /** Session lifetimes. Defaults: rolling, 1 day of inactivity, 7 days absolute. */
  session?: Partial<SessionLifetime>;
  /** Refresh an access token this many seconds before it expires. Default 60. */
  tokenRefreshLeeway?: number;
  /** Timeout of each request to the tenant, in milliseconds. Default 10,000. */
  httpTimeout?: number;
  /** The fetch used for every request to the tenant (proxies, tracing, tests). Default global fetch. */
  fetch?: typeof fetch;
  /**
   * DPoP (RFC 9449) for every token the app gets: `{ privateKey }` (PEM, JWK or `KeyObject`; P-256
   * or Ed25519). Every token request then carries a proof, the tokens are bound to the key
   * (`cnf.jkt`) and `authenticatedFetch` presents them with proofs, so a token stolen from a
   * session store or a log is useless without the key. Give every instance of the app the same
   * key. Default: none (Bearer tokens).
   */
  dpop?: DpopOptions;
  /**
   * Where `authenticatedFetch` may send each API's token: audience → origin (or origins), e.g.
   * `{ 'https://api.example.com': 'http://127.0.0.1:3002' }`. An audience that is an https URL is
   * its own origin without an entry; a token is never sent to an origin not mapped to its audience.
   */
  apiOrigins?: Readonly<Record<string, string | readonly string[]>>;
  /** Where decisions are logged (at `debug`). Default: nowhere. */
  logger?: Logger;
}

export const MIN_SECRET_LENGTH = 32;

/** Checks the secrets and returns them as a list. */
export function resolveSecrets(secret: unknown): string[] {
  const secrets = Array.isArray(secret) ? secret : [secret];
  if (secrets.length === 0 || secrets.some((value) => typeof value !== 'string')) {
    throw new ConfigurationError(
      'secret',
      'is required: a string of at least 32 characters, or a list of them.',
    );
  }
  for (const value of secrets as string[]) {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(
        'secret',
        `must be at least ${MIN_SECRET_LENGTH} characters (got ${value.length}). Generate one with: openssl rand -hex 32`,
      );
    }
  }
  return secrets as string[];
}

/** How the client authenticates at the tenant. */
export type ClientCredential =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientSecret: string }
  | { method: 'private_key_jwt'; key: KeyObject; alg: ClientAssertionAlg };

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

const KEY_TYPE_OF_ALG: Record<ClientAssertionAlg, string> = {
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  PS256: 'rsa',
  PS384: 'rsa',
  PS512: 'rsa',
  ES256: 'ec',
  ES384: 'ec',
};

/** The private key of `private_key_jwt`, checked against its algorithm now. */
function resolveAssertionKey(
  value: string | KeyObject,
  alg: ClientAssertionAlg,
): { method: 'private_key_jwt'; key: KeyObject; alg: ClientAssertionAlg } {
  if (!Object.hasOwn(KEY_TYPE_OF_ALG, alg)) {
    throw new ConfigurationError('clientAssertionSigningAlg', `"${alg}" is not supported.`);
  }
  let key: KeyObject;
  try {
    key = typeof value === 'string' ? createPrivateKey(value) : value;
  } catch {
    throw new ConfigurationError('clientAssertionSigningKey', 'is not a PKCS#8 PEM private key.');
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== KEY_TYPE_OF_ALG[alg]) {
    throw new ConfigurationError(
      'clientAssertionSigningKey',
      `is not a private ${KEY_TYPE_OF_ALG[alg]?.toUpperCase()} key for ${alg}.`,
    );
  }
  return { method: 'private_key_jwt', key, alg };
}

/**
 * The client credential of `tokenEndpointAuthMethod`, or of what was given when it is absent (a
 * private key means `private_key_jwt`, a secret `client_secret_basic`).
 */
export function resolveClientCredential(
  options: Pick<
    ServerClientOptions<unknown>,
    | 'clientSecret'
    | 'clientAssertionSigningKey'
    | 'clientAssertionSigningAlg'
    | 'tokenEndpointAuthMethod'
  >,
): ClientCredential {
  const { clientSecret, clientAssertionSigningKey } = options;
  const method =
    options.tokenEndpointAuthMethod ??
    (clientAssertionSigningKey !== undefined ? 'private_key_jwt' : 'client_secret_basic');
  if (!AUTH_METHODS.includes(method)) {
    throw new ConfigurationError(
      'tokenEndpointAuthMethod',
      `must be one of ${AUTH_METHODS.join(', ')}.`,
    );
  }
  if (method === 'private_key_jwt') {
    if (clientAssertionSigningKey === undefined) {
      throw new ConfigurationError('clientAssertionSigningKey', 'is required for private_key_jwt.');
    }
    return resolveAssertionKey(
      clientAssertionSigningKey,
      options.clientAssertionSigningAlg ?? 'RS256',
    );
  }
  if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
    throw new ConfigurationError(
      'clientSecret',
      'give clientSecret, or clientAssertionSigningKey for private_key_jwt.',
    );
  }
  return { method, clientSecret };
}

/** How ID tokens are checked: the pinned algorithm, trusted audiences and clock tolerance. */
export function resolveIdTokenPolicy(
  options: Pick<
    ServerClientOptions<unknown>,
    'clientId' | 'clientSecret' | 'idTokenSigningAlg' | 'idTokenTrustedAudiences' | 'clockTolerance'
  >,
): IdTokenPolicy {
  const alg = options.idTokenSigningAlg ?? 'RS256';
  if (!isAsymmetricAlgorithm(alg) && !isHmacAlgorithm(alg)) {
    throw new ConfigurationError(
      'idTokenSigningAlg',
      `must be an asymmetric JWS algorithm (RS256, PS256, ES256, EdDSA, ...) or HS256/HS384/HS512 with clientSecret; got ${JSON.stringify(alg)}.`,
    );
  }
  if (isHmacAlgorithm(alg) && !options.clientSecret) {
    throw new ConfigurationError('idTokenSigningAlg', `${alg} needs clientSecret, its key.`);
  }
  const trusted = options.idTokenTrustedAudiences ?? [];
  if (!Array.isArray(trusted) || trusted.some((value) => typeof value !== 'string' || !value)) {
    throw new ConfigurationError('idTokenTrustedAudiences', 'must be a list of audience strings.');
  }
  const clockTolerance = options.clockTolerance ?? 60;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0 || clockTolerance > 600) {
    throw new ConfigurationError('clockTolerance', 'must be a number of seconds from 0 to 600.');
  }
  return {
    clientId: options.clientId,
    alg,
    clientSecret: options.clientSecret,
    trustedAudiences: new Set(trusted),
    clockTolerance,
  };
}

/** Session lifetimes with defaults, checked. */
export function resolveLifetime(session: Partial<SessionLifetime> | undefined): SessionLifetime {
  for (const key of Object.keys(session ?? {})) {
    if (!Object.hasOwn(DEFAULT_SESSION_LIFETIME, key)) {
      throw new ConfigurationError(
        `session.${key}`,
        `is not a session option; they are ${Object.keys(DEFAULT_SESSION_LIFETIME).join(', ')}.`,
      );
    }
  }
  const lifetime = { ...DEFAULT_SESSION_LIFETIME, ...session };
  for (const key of ['inactivityDuration', 'absoluteDuration'] as const) {
    if (!Number.isFinite(lifetime[key]) || lifetime[key] <= 0) {
      throw new ConfigurationError(`session.${key}`, 'must be a positive number of seconds.');
    }
  }
  return lifetime;
}

/** Checks `authorizationParams`; `redirect_uri`, when given, must be an absolute http(s) URL. */
export function resolveAuthorizationParams(
  params: AuthorizationParams | undefined,
): AuthorizationParams {
  const resolved = { ...params };
  if (resolved.redirect_uri !== undefined) {
    const parsed =
      typeof resolved.redirect_uri === 'string' ? URL.parse(resolved.redirect_uri) : null;
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new ConfigurationError(
        'authorizationParams.redirect_uri',
        'must be an absolute http(s) URL.',
      );
    }
  }
  const maxAge = resolved.max_age;
  if (maxAge !== undefined && wholeSeconds(maxAge) === undefined) {
    throw new ConfigurationError(
      'authorizationParams.max_age',
      'must be a whole number of seconds.',
    );
  }
  const { scope } = resolved;
  if (
    scope !== undefined &&
    typeof scope !== 'string' &&
    (typeof scope !== 'object' || scope === null)
  ) {
    throw new ConfigurationError(
      'authorizationParams.scope',
      'must be a string or a map from audience to scope.',
    );
  }
  return resolved;
}
