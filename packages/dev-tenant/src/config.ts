import { checkTenantConfig, DevTenantConfigError } from './config-check.js';

/**
 * A public JSON Web Key, as a client publishes for `private_key_jwt`. Declared here rather than
 * taken from jose, so this package's CommonJS type declarations import nothing ESM-only (TS1479
 * under `skipLibCheck: false`).
 */
export interface JWK {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  [parameter: string]: unknown;
}

import {
  type BackchannelLogoutConfig,
  type ResolvedBackchannelLogoutConfig,
  resolveBackchannelLogout,
} from './backchannel-deliveries.js';

/** How a client proves who it is at the token endpoint. */
export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt';

/**
 * One entry of a client's refresh-token policies: the APIs it may get access tokens for with a
 * Multi-Resource Refresh Token, and the scopes it may ask for on each.
 */
export interface RefreshTokenPolicy {
  /** The API identifier (`audience`) a refresh may ask for. */
  audience: string;
  /** Space-separated scopes a refresh for this audience may be granted. */
  scope: string;
}

/** An application registered at the tenant. */
export interface DevClientConfig {
  /** The `client_id`. */
  clientId: string;
  /** The client secret; required unless `tokenEndpointAuthMethod` is `private_key_jwt`. */
  clientSecret?: string;
  /** Exact redirect URIs the client may use at `/authorize`. */
  redirectUris: string[];
  /** URLs `/v2/logout` and `/oidc/logout` may return to. Default: none. */
  allowedLogoutUrls?: string[];
  /** Where the tenant POSTs logout tokens when a user's session ends (OIDC Back-Channel Logout). */
  backchannelLogoutUri?: string;
  /** Default `client_secret_basic` (`private_key_jwt` when `jwks` is given). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Public keys for `private_key_jwt` client assertions. */
  jwks?: { keys: JWK[] };
  /**
   * APIs this client may refresh into with one refresh token (Auth0's Multi-Resource Refresh Token
   * policies). A refresh for an audience outside them falls back to the login's audience, as Auth0
   * does. Default: none.
   */
  refreshTokenPolicies?: RefreshTokenPolicy[];
  /** Issue a new refresh token at every refresh and refuse reuse of the old one. Default false. */
  refreshTokenRotation?: boolean;
  /**
   * The app's login route, e.g. `http://localhost:3000/auth/login`: where an organization
   * invitation link sends the invited user (Auth0's "Application Login URI"). Needed to invite
   * users with this client. Default: none (`demo-web`: `http://localhost:3000/auth/login`).
   */
  initiateLoginUri?: string;
}

/** An API (resource server) that access tokens can be issued for. */
export interface DevApiConfig {
  /** The API identifier, used as `audience` and as the access token's `aud`. */
  identifier: string;
  /** Space-separated scopes the API defines. */
  scopes: string;
  /** Access-token lifetime in seconds. Default 86400, as Auth0. */
  accessTokenLifetime?: number;
  /**
   * Tokens for this API only after a second factor: a login for it asks for one (as an Auth0
   * Action enabling MFA for the API does), and a refresh of a login without one answers 403
   * `mfa_required` with an `mfa_token` for the MFA API. Default false.
   */
  requireMfa?: boolean;
  /**
   * Whether its access tokens must be DPoP-bound (RFC 9449): with `'required'`, every token
   * request that would issue a token for this API (any grant) without a valid `DPoP` proof is
   * refused with 400 `invalid_request` "DPoP proof is required for this API". With `'allowed'`,
   * a request with a proof gets a bound token (`token_type: DPoP`, `cnf.jkt`), one without a
   * `Bearer` token. Default `'allowed'`.
   */
  dpop?: DpopPolicy;
}

/** Whether DPoP (RFC 9449) is optional or mandatory for an API or a grant. */
export type DpopPolicy = 'allowed' | 'required';

/** DPoP for the My Account API (`/me/v1/...`). */
export interface DevMyAccountApiConfig {
  /**
   * With `'required'` the API takes only DPoP-bound tokens (`Authorization: DPoP <token>` with a
   * `DPoP` proof), and token requests for its audience need a proof. With `'allowed'` it also
   * takes unbound tokens as `Bearer`; a bound token sent as `Bearer` is always refused.
   * Default `'allowed'`.
   */
  dpop?: DpopPolicy;
}

/** DPoP for the Token Vault exchange. */
export interface DevTokenVaultConfig {
  /**
   * With `'required'` the Token Vault exchange needs a valid `DPoP` proof on its token request
   * (400 `invalid_request` otherwise). Either way, a DPoP-bound subject token needs a proof signed
   * by its key. The upstream token it returns stays `Bearer`: it is the upstream provider's token,
   * which the tenant cannot bind. Default `'allowed'`.
   */
  dpop?: DpopPolicy;
}

/** An upstream identity provider users can connect (Token Vault, Connected Accounts). */
export interface DevConnectionConfig {
  /** Connection name, e.g. `google-oauth2`. */
  name: string;
  /** Space-separated scopes the simulated upstream provider grants. */
  scopes: string;
  /** Lifetime of upstream access tokens, in seconds. Default 3600. */
  tokenLifetime?: number;
  /**
   * Accounts at the simulated provider that users may link to theirs (account linking:
   * `/authorize?scope=openid link_account&requested_connection=<name>`). Default: none
   * (`google-oauth2`: one for Alice and one for Bob).
   */
  users?: DevConnectionUserConfig[];
}

/** An upstream account a user has connected before the tenant starts. */
export interface DevConnectedAccountConfig {
  connection: string;
  /** Which upstream account (e.g. an email) when a user has several. Default: the user's email. */
  loginHint?: string;
  /** Space-separated scopes granted upstream. Default: all of the connection's scopes. */
  scopes?: string;
}

/** What a token exchange profile's `validate` is told besides the subject token. */
export interface TokenExchangeContext {
  /** The `actor_token` of the request, when it has one. */
  actorToken?: string;
  /** Its `actor_token_type`. */
  actorTokenType?: string;
  /** The client doing the exchange (authenticated by then). */
  clientId: string;
}

/** Whom a subject token stands for, as a profile's `validate` decides. */
export interface TokenExchangeSubject {
  /** The `sub` of a user of the tenant: the tokens are issued for that user. */
  sub: string;
  /**
   * Who acts for the user (Auth0's `api.authentication.setActor`): the `act.sub` of the tokens.
   * Default: the `sub` of the `actor_token` when it is a JWT this tenant signed.
   */
  actor?: string;
}

/**
 * A Custom Token Exchange profile, as Auth0's: the token endpoint's
 * `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` with this `subject_token_type`
 * (and `audience`, when the profile pins one) runs `validate` on the subject token.
 */
export interface DevTokenExchangeProfileConfig {
  /** The `subject_token_type` the app sends: a URI it chooses, e.g. `urn:acme:legacy-token`. */
  subjectTokenType: string;
  /** Only exchanges for this `audience` (an API identifier) use the profile. Default: any. */
  audience?: string;
  /**
   * Decides whom the subject token stands for, as the profile's Action does at Auth0; throws to
   * refuse the exchange (the answer is 400 `invalid_grant` with the error's message).
   */
  validate(
    subjectToken: string,
    context: TokenExchangeContext,
  ): TokenExchangeSubject | Promise<TokenExchangeSubject>;
}

/** An account at a connection's simulated provider, which a user may link to theirs. */
export interface DevConnectionUserConfig {
  /** The account's id at the provider: the `user_id` of the identity once linked. */
  user_id: string;
  email: string;
  /** Default: the part of `email` before `@`. */
  name?: string;
}

/** Claims added to a user's ID tokens: fixed values, or a function evaluated at each issue. */
export type ExtraIdTokenClaims =
  | Record<string, unknown>
  | ((user: { sub: string; email: string }) => Record<string, unknown>);

/** A user who can sign in on the tenant's login form. */
export interface DevUserConfig {
  /** Subject identifier. Default `auth0|` followed by the part of `email` before `@`. */
  sub?: string;
  email: string;
  password: string;
  /** Display name. Default: the part of `email` before `@`. */
  name?: string;
  /** Extra ID-token claims for this user, e.g. `session_expiry` (seconds since the epoch). */
  idTokenClaims?: ExtraIdTokenClaims;
  /** Upstream accounts already connected (Token Vault works for them from the start). */
  connectedAccounts?: DevConnectedAccountConfig[];
  /** The user's second factors besides email, which every user has (codes to the outbox). */
  mfa?: DevUserMfaConfig;
}

/** Second factors a user has enrolled before the tenant starts. */
export interface DevUserMfaConfig {
  /**
   * The base32 secret of an authenticator app (RFC 6238: SHA-1, 6 digits, 30 s), e.g. made with
   * `newTotpSecret()`. Every login of the user then asks for its code (`totpCode(secret)`).
   */
  totpSecret?: string;
}

/**
 * An organization, as Auth0's Organizations: an app logs a user in to it with
 * `/authorize?organization=<id or name>`, and the tokens then carry `org_id` and `org_name`.
 */
export interface DevOrganizationConfig {
  /** Auth0's organization id: `org_` followed by letters, digits or underscores. */
  id: string;
  /**
   * The organization's name: lower-case letters, digits, `-` and `_`, as Auth0 takes them. An app
   * may name the organization by it instead of the id (`organization=acme`).
   */
  name: string;
  /** The name shown to people. Default: `name`. */
  displayName?: string;
  /** The `sub` of each member. Only members may log in to the organization; invitations add more. */
  members: string[];
  /** Every login to the organization asks for a second factor. Default false. */
  requireMfa?: boolean;
}

/** Client-Initiated Backchannel Authentication (CIBA, poll mode), as Auth0's `/bc-authorize`. */
export interface DevCibaConfig {
  /**
   * The least number of seconds between two polls of one `auth_req_id` at the token endpoint (and
   * between its issue and the first poll); a faster poll gets 429 `slow_down`. Default 5, as
   * Auth0's.
   */
  interval?: number;
  /**
   * How long a request waits for the user, in seconds: the `expires_in` of a request without
   * `requested_expiry`, and the most `requested_expiry` may ask for. Default 300.
   */
  maxExpiry?: number;
}

/** Passwordless login by a code (or a magic link) sent by email or text message, as Auth0's. */
export interface DevPasswordlessConfig {
  /** How long a code (and a magic link) can be used, in seconds. Default 300. */
  codeLifetime?: number;
  /** Wrong codes before the code is locked (then even the right one fails). Default 3. */
  maxAttempts?: number;
  /**
   * Most `/passwordless/start` calls for one email address or phone number within 60 seconds;
   * more get 429 `too_many_requests` with `Retry-After`. Default 5.
   */
  maxStartsPerMinute?: number;
}

/** Everything a dev tenant can be configured with; every field is optional. */
export interface DevTenantConfig {
  clients?: DevClientConfig[];
  apis?: DevApiConfig[];
  users?: DevUserConfig[];
  /** Organizations users log in to. Default: `org_acme` (`acme`), of which Alice is a member. */
  organizations?: DevOrganizationConfig[];
  /** Upstream connections for Token Vault and Connected Accounts. Default: `google-oauth2`. */
  connections?: DevConnectionConfig[];
  /** ID-token lifetime in seconds. Default 36000, as Auth0. */
  idTokenLifetime?: number;
  /** Refresh-token lifetime in seconds. Default 30 days. */
  refreshTokenLifetime?: number;
  /** How long an `mfa_token` (of an `mfa_required` answer) can be used, in seconds. Default 600. */
  mfaTokenLifetime?: number;
  /**
   * Redelivery of back-channel logouts an app did not take (not 200/204, or a network error), as
   * Auth0 retries them: `{ maxAttempts: 5, retryDelayMs: 1000, maxRetryDelayMs: 30000 }` by
   * default, the wait doubling each time. Checked at start: an unknown key or a wrong type throws.
   */
  backchannelLogout?: BackchannelLogoutConfig;
  /**
   * Custom Token Exchange profiles (`grant_type=urn:ietf:params:oauth:grant-type:token-exchange`),
   * matched by `subject_token_type`. Default: none, besides the built-in on-behalf-of profile.
   */
  tokenExchangeProfiles?: DevTokenExchangeProfileConfig[];
  /**
   * The built-in on-behalf-of profile: an API exchanges an access token this tenant issued
   * (`subject_token_type=urn:ietf:params:oauth:token-type:access_token`) for one for another API,
   * with `act: { sub: <its client_id> }`. Default true.
   */
  onBehalfOf?: boolean;
  /**
   * How long a session transfer token (a token exchange for `urn:{domain}:session_transfer`) can
   * be used at `/authorize`, in seconds. Default 60.
   */
  sessionTransferTokenLifetime?: number;
  /** CIBA's timings (`/bc-authorize`). Default `{ interval: 5, maxExpiry: 300 }`. */
  ciba?: DevCibaConfig;
  /**
   * Passwordless login's limits (`/passwordless/start`). Default `{ codeLifetime: 300,
   * maxAttempts: 3, maxStartsPerMinute: 5 }`.
   */
  passwordless?: DevPasswordlessConfig;
  /** DPoP for the My Account API and its token requests. Default `{ dpop: 'allowed' }`. */
  myAccountApi?: DevMyAccountApiConfig;
  /** DPoP for the Token Vault exchange. Default `{ dpop: 'allowed' }`. */
  tokenVault?: DevTokenVaultConfig;
  /**
   * Server-provided DPoP nonces (RFC 9449 §8, §9): the token endpoint and the My Account API
   * refuse a proof without the current nonce, with `use_dpop_nonce` and the nonce to use in a
   * `DPoP-Nonce` header (400 at the token endpoint, 401 at the API). Default false.
   */
  dpopNonces?: boolean;
  /**
   * Passkeys (Auth0's native passkey API: `/passkey/register`, `/passkey/challenge` and the
   * `urn:okta:params:oauth:grant-type:webauthn` grant): the relying party the tenant verifies
   * WebAuthn responses for. Default: RP ID `localhost`, the demo apps' origins.
   */
  passkeys?: DevPasskeysConfig;
}

/** The WebAuthn relying party of the tenant's passkeys. */
export interface DevPasskeysConfig {
  /** The RP ID credentials are scoped to: the apps' registrable domain. Default `localhost`. */
  rpId?: string;
  /** The name authenticators show. Default `Gatehouse dev tenant`. */
  rpName?: string;
  /**
   * The origins of the pages that may use passkeys (`clientDataJSON.origin`), exactly. Default the
   * demo apps: `http://localhost:3000`, `http://localhost:3001`.
   */
  origins?: string[];
}

/** The configuration after defaults are applied: every list present, every user with a `sub`. */
export interface ResolvedTenantConfig {
  clients: DevClientConfig[];
  apis: DevApiConfig[];
  users: Array<DevUserConfig & { sub: string; name: string }>;
  organizations: DevOrganizationConfig[];
  connections: DevConnectionConfig[];
  idTokenLifetime: number;
  refreshTokenLifetime: number;
  mfaTokenLifetime: number;
  backchannelLogout: ResolvedBackchannelLogoutConfig;
  tokenExchangeProfiles: DevTokenExchangeProfileConfig[];
  onBehalfOf: boolean;
  sessionTransferTokenLifetime: number;
  ciba: Required<DevCibaConfig>;
  passwordless: Required<DevPasswordlessConfig>;
  myAccountApi: { dpop: DpopPolicy };
  tokenVault: { dpop: DpopPolicy };
  dpopNonces: boolean;
  passkeys: Required<DevPasskeysConfig>;
}

/** Secret of the default `demo-web` client. Printed by the CLI; never use it outside development. */
export const DEMO_CLIENT_SECRET = 'demo-web-secret-for-local-development-only';

export const DEFAULT_CLIENTS: DevClientConfig[] = [
  {
    clientId: 'demo-web',
    clientSecret: DEMO_CLIENT_SECRET,
    redirectUris: [
      'http://localhost:3000/auth/callback',
      'http://localhost:3001/auth/callback',
      'http://127.0.0.1:3000/auth/callback',
      'http://127.0.0.1:3001/auth/callback',
    ],
    allowedLogoutUrls: [
      'http://localhost:3000',
      'http://localhost:3000/',
      'http://localhost:3001',
      'http://localhost:3001/',
      'http://127.0.0.1:3000/',
      'http://127.0.0.1:3001/',
    ],
    refreshTokenPolicies: [
      { audience: 'https://api.example.com', scope: 'read:orders write:orders' },
      { audience: 'https://analytics.example.com', scope: 'read:analytics write:analytics' },
    ],
    initiateLoginUri: 'http://localhost:3000/auth/login',
  },
];

export const DEFAULT_APIS: DevApiConfig[] = [
  { identifier: 'https://api.example.com', scopes: 'read:orders write:orders' },
  { identifier: 'https://analytics.example.com', scopes: 'read:analytics write:analytics' },
];

export const DEFAULT_USERS: DevUserConfig[] = [
  { email: 'alice@example.com', password: 'alice-password', name: 'Alice' },
  { email: 'bob@example.com', password: 'bob-password', name: 'Bob' },
];

export const DEFAULT_ORGANIZATIONS: DevOrganizationConfig[] = [
  { id: 'org_acme', name: 'acme', displayName: 'Acme', members: ['auth0|alice'] },
];

export const DEFAULT_CONNECTIONS: DevConnectionConfig[] = [
  {
    name: 'google-oauth2',
    scopes: 'openid email profile calendar.readonly',
    users: [
      { user_id: '100000000000000000001', email: 'alice@gmail.com', name: 'Alice' },
      { user_id: '100000000000000000002', email: 'bob@gmail.com', name: 'Bob' },
    ],
  },
];

/** Applies the defaults and checks what would otherwise fail later with an obscure error. */
export function resolveTenantConfig(config: DevTenantConfig = {}): ResolvedTenantConfig {
  checkTenantConfig(config);
  const clients = config.clients ?? DEFAULT_CLIENTS;
  for (const client of clients) {
    const method = client.tokenEndpointAuthMethod ?? (client.jwks ? 'private_key_jwt' : undefined);
    if (method === 'private_key_jwt' && !client.jwks) {
      throw new TypeError(
        `dev tenant: client ${client.clientId} uses private_key_jwt without jwks`,
      );
    }
    if (method !== 'private_key_jwt' && !client.clientSecret) {
      throw new TypeError(`dev tenant: client ${client.clientId} needs a clientSecret`);
    }
  }
  const users = (config.users ?? DEFAULT_USERS).map((user) => {
    const local = user.email.split('@')[0] ?? user.email;
    return { ...user, sub: user.sub ?? `auth0|${local}`, name: user.name ?? local };
  });
  const organizations = config.organizations ?? DEFAULT_ORGANIZATIONS;
  checkOrganizations(organizations, users);
  const apis = config.apis ?? DEFAULT_APIS;
  const connections = config.connections ?? DEFAULT_CONNECTIONS;
  const tokenExchangeProfiles = config.tokenExchangeProfiles ?? [];
  checkTokenExchangeProfiles(tokenExchangeProfiles, apis);
  checkConnectionUsers(connections);
  return {
    clients,
    apis,
    users,
    organizations,
    connections,
    idTokenLifetime: config.idTokenLifetime ?? 36_000,
    refreshTokenLifetime: config.refreshTokenLifetime ?? 30 * 24 * 3600,
    mfaTokenLifetime: config.mfaTokenLifetime ?? 600,
    backchannelLogout: resolveBackchannelLogout(config.backchannelLogout),
    tokenExchangeProfiles,
    onBehalfOf: config.onBehalfOf ?? true,
    sessionTransferTokenLifetime: config.sessionTransferTokenLifetime ?? 60,
    ciba: { interval: 5, maxExpiry: 300, ...withoutUndefined(config.ciba) },
    passwordless: {
      codeLifetime: 300,
      maxAttempts: 3,
      maxStartsPerMinute: 5,
      ...withoutUndefined(config.passwordless),
    },
    myAccountApi: { dpop: config.myAccountApi?.dpop ?? 'allowed' },
    tokenVault: { dpop: config.tokenVault?.dpop ?? 'allowed' },
    dpopNonces: config.dpopNonces ?? false,
    passkeys: {
      rpId: config.passkeys?.rpId ?? 'localhost',
      rpName: config.passkeys?.rpName ?? 'Gatehouse dev tenant',
      origins: config.passkeys?.origins ?? ['http://localhost:3000', 'http://localhost:3001'],
    },
  };
}

/** An options object without its `undefined` fields, so that they take the defaults. */
function withoutUndefined<T extends object>(options: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(options ?? {}).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/**
 * Token exchange profiles that could never be used: two for the same `subject_token_type` and
 * audience (the second would never match), or one pinned to an audience that is not an API.
 */
function checkTokenExchangeProfiles(
  profiles: readonly DevTokenExchangeProfileConfig[],
  apis: readonly DevApiConfig[],
): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, profile] of profiles.entries()) {
    const key = `${profile.subjectTokenType} ${profile.audience ?? ''}`;
    if (seen.has(key)) {
      problems.push(
        `tokenExchangeProfiles[${index}] repeats subjectTokenType ${profile.subjectTokenType}${profile.audience ? ` for audience ${profile.audience}` : ''}`,
      );
    }
    seen.add(key);
    const audience = profile.audience;
    if (
      audience !== undefined &&
      !SESSION_TRANSFER_AUDIENCE.test(audience) &&
      !apis.some((api) => api.identifier === audience)
    ) {
      problems.push(
        `tokenExchangeProfiles[${index}].audience ${audience} is not the identifier of one of apis`,
      );
    }
  }
  if (problems.length > 0) throw new DevTenantConfigError(problems);
}

/** The shape of a session transfer audience, `urn:{domain}:session_transfer`. */
const SESSION_TRANSFER_AUDIENCE = /^urn:.+:session_transfer$/;

/** A connection's accounts, each named once. */
function checkConnectionUsers(connections: readonly DevConnectionConfig[]): void {
  const problems: string[] = [];
  for (const [index, connection] of connections.entries()) {
    const seen = new Set<string>();
    for (const [position, user] of (connection.users ?? []).entries()) {
      if (seen.has(user.user_id)) {
        problems.push(
          `connections[${index}].users[${position}] repeats the user_id ${user.user_id}`,
        );
      }
      seen.add(user.user_id);
    }
  }
  if (problems.length > 0) throw new DevTenantConfigError(problems);
}

/**
 * What the field checks cannot see: organizations named twice, and members who are not users of
 * the tenant (a typo in a `sub` would otherwise be a member nobody can log in as).
 */
function checkOrganizations(
  organizations: readonly DevOrganizationConfig[],
  users: ReadonlyArray<{ sub: string }>,
): void {
  const problems: string[] = [];
  const subs = new Set(users.map((user) => user.sub));
  const seen = new Set<string>();
  for (const [index, organization] of organizations.entries()) {
    for (const key of [organization.id, organization.name]) {
      if (seen.has(key)) problems.push(`organizations[${index}] repeats the id or name ${key}`);
      seen.add(key);
    }
    for (const [position, member] of organization.members.entries()) {
      if (!subs.has(member)) {
        problems.push(
          `organizations[${index}].members[${position}] ${member} is not the sub of a user`,
        );
      }
    }
  }
  if (problems.length > 0) throw new DevTenantConfigError(problems);
}

/** The extra ID-token claims of a user at this moment. */
export function extraIdTokenClaims(user: ResolvedTenantConfig['users'][number]) {
  const claims = user.idTokenClaims;
  if (!claims) return {};
  return typeof claims === 'function' ? claims({ sub: user.sub, email: user.email }) : claims;
}
