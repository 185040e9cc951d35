import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, customFetch } from 'jose';
import * as oauth from 'oauth4webapi';
import { KeyedQueue, SingleFlight } from './concurrency.js';
import {
  AccessTokenError,
  AccessTokenForConnectionError,
  AuthorizationError,
  BackchannelLogoutError,
  ConfigurationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  MissingTransactionError,
  SessionExpiredError,
} from './errors.js';
import {
  type CompleteConnectAccountOptions,
  type CompleteConnectAccountResult,
  ConnectedAccounts,
  type DeleteConnectedAccountOptions,
  type ListConnectedAccountsOptions,
  type ListConnectionsOptions,
  type StartConnectAccountOptions,
} from './my-account/connected-accounts.js';
import { MY_ACCOUNT_SCOPES, MyAccountClient } from './my-account/my-account-client.js';
import type { ConnectedAccountsPage, ConnectionsPage } from './my-account/types.js';
import { authorizationUrl, pushAuthorizationRequest } from './oidc/authorize.js';
import { exchangeCode, validateCallback } from './oidc/callback.js';
import { clientAuthentication } from './oidc/client-auth.js';
import { Discovery } from './oidc/discovery.js';
import { type TenantHttp, tenantHttp } from './oidc/http.js';
import { logoutUrl } from './oidc/logout.js';
import { replayGuard, verifyLogoutToken } from './oidc/logout-token.js';
import {
  processRefreshResponse,
  type RefreshRequest,
  refreshTokenRequest,
  type TenantContext,
} from './oidc/refresh.js';
import { connectionTokenRequest, processConnectionTokenResponse } from './oidc/token-vault.js';
import {
  type AuthorizationParams,
  type Logger,
  resolveAuthorizationParams,
  resolveClientCredential,
  resolveLifetime,
  resolveSecrets,
  resolveTenantAddress,
  type ServerClientOptions,
  type TenantAddress,
} from './options.js';
import {
  isCeilingInPast,
  type SessionLifetime,
  sanitizeSessionExpiry,
  sessionEndReason,
  sessionEndsAt,
  shouldTouch,
} from './session/lifetime.js';
import {
  type ConnectionTokenSet,
  DEFAULT_AUDIENCE,
  publicSession,
  type Session,
  type SessionData,
  type TokenSet,
  type UserClaims,
} from './session/model.js';
import { loginScope, mergeScopes, scopeForAudience } from './session/scopes.js';
import {
  applyConnectionTokenSet,
  applyTokenUpdate,
  findConnectionTokenSet,
  findTokenSet,
  type TokenUpdate,
  tokenSetFor,
} from './session/token-sets.js';
import { CookieStateStore } from './stores/cookie-state-store.js';
import { CookieTransactionStore } from './stores/cookie-transaction-store.js';
import { type LogoutRevocations, MemoryRevocations } from './stores/revocations.js';
import type {
  CookieStoreOptions,
  StateStore,
  TransactionData,
  TransactionStore,
} from './stores/types.js';

/** How long a login attempt may take between the redirect and the callback. */
const TRANSACTION_LIFETIME_SECONDS = 3600;

/** Parameters a caller may not override at login: the SDK owns them. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'state',
  'nonce',
  'scope',
  'request_uri',
]);

/** ID-token claims that only mattered for validating the login, not worth a cookie byte. */
const PROTOCOL_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash', 'auth_time'];

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Options of {@link ServerClient.startInteractiveLogin}. */
export interface StartInteractiveLoginOptions<TStoreOptions> {
  /** Anything to get back from {@link ServerClient.completeInteractiveLogin}, e.g. `{ returnTo }`. */
  appState?: unknown;
  /** Parameters for this login; `scope` adds to the configured scope. */
  authorizationParams?: AuthorizationParams;
  /** Push the parameters first (RFC 9126). Default: the client's `pushedAuthorizationRequests`. */
  pushedAuthorizationRequests?: boolean;
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.completeInteractiveLogin}. */
export interface CompleteInteractiveLoginOptions<TStoreOptions> {
  /** The full callback URL the tenant redirected to, with its query. */
  url: string | URL;
  storeOptions: TStoreOptions;
}

/** What a completed login yields. */
export interface LoginResult {
  appState: unknown;
  session: Session;
}

/** Options of the session read methods. */
export interface StoreOptionsArgument<TStoreOptions> {
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.getAccessToken}. */
export interface GetAccessTokenOptions<TStoreOptions> {
  /** The API. Default: `authorizationParams.audience`, else the login's default audience. */
  audience?: string;
  /** Scopes needed on top of the audience's configured scopes. */
  scope?: string;
  /** Refresh even when a cached token is still valid. */
  forceRefresh?: boolean;
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.getAccessTokenForConnection}. */
export interface GetAccessTokenForConnectionOptions<TStoreOptions> {
  /** The upstream connection, e.g. `google-oauth2`. */
  connection: string;
  /** Which upstream account, when the user has connected several. */
  loginHint?: string;
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.handleBackchannelLogout}. */
export interface BackchannelLogoutOptions<TStoreOptions> {
  /** The `logout_token` form field the tenant POSTed. */
  logoutToken: string;
  /** Not needed by the built-in stores; passed on for custom ones. */
  storeOptions?: TStoreOptions;
}

/** Options of {@link ServerClient.logout}. */
export interface LogoutOptions<TStoreOptions> {
  /** Absolute URL the tenant sends the browser to afterwards; must be an allowed logout URL. */
  returnTo?: string;
  storeOptions: TStoreOptions;
}

/**
 * Auth0 for a server-rendered web app: interactive login, encrypted sessions and logout. The
 * TypeScript counterpart of auth0-server-python's `ServerClient`.
 *
 * @example
 * const client = new ServerClient({
 *   domain: 'tenant.auth0.com',
 *   clientId, clientSecret,
 *   secret: process.env.AUTH0_SECRET,
 *   authorizationParams: { redirect_uri: 'https://app.example.com/auth/callback' },
 * });
 * const url = await client.startInteractiveLogin({ storeOptions: { cookies } });
 */
export class ServerClient<TStoreOptions = CookieStoreOptions> {
  readonly #address: TenantAddress;
  readonly #client: oauth.Client;
  readonly #clientAuth: () => Promise<oauth.ClientAuth>;
  readonly #http: TenantHttp;
  readonly #discovery: Discovery;
  readonly #jwksCache: oauth.JWKSCacheInput = {};
  readonly #params: AuthorizationParams;
  readonly #lifetime: SessionLifetime;
  readonly #pushedAuthorizationRequests: boolean;
  readonly #transactions: TransactionStore<TStoreOptions>;
  readonly #sessions: StateStore<TStoreOptions>;
  readonly #logger: Logger | undefined;
  readonly #fetch: typeof fetch | undefined;
  readonly #leeway: number;
  /**
   * Concurrent refreshes of one session for one audience and scope share one request; the result
   * lingers a few seconds for requests the browser sent at the same moment. Keys start with a
   * fingerprint of the session's refresh token, so sessions never share anything.
   */
  readonly #refreshes = new SingleFlight<TokenUpdate>({ lingerMs: 10_000 });
  readonly #connectionTokens = new SingleFlight<ConnectionTokenSet>({ lingerMs: 10_000 });
  /** Refreshes of one session run one at a time, so a rotated refresh token is never reused. */
  readonly #sessionQueue = new KeyedQueue();
  readonly #connectedAccounts: ConnectedAccounts<TStoreOptions>;
  readonly #revocations: LogoutRevocations | undefined;
  readonly #logoutTokenSeen = replayGuard();
  #tenantKeys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(options: ServerClientOptions<TStoreOptions>) {
    const secrets = resolveSecrets(options.secret);
    this.#address = resolveTenantAddress(options.domain);
    if (typeof options.clientId !== 'string' || options.clientId === '') {
      throw new ConfigurationError('clientId', 'is required.');
    }
    this.#client = { client_id: options.clientId };
    this.#clientAuth = clientAuthentication(resolveClientCredential(options));
    this.#params = resolveAuthorizationParams(options.authorizationParams);
    this.#lifetime = resolveLifetime(options.session);
    this.#pushedAuthorizationRequests = options.pushedAuthorizationRequests ?? false;
    this.#http = tenantHttp(this.#address, options.httpTimeout ?? 10_000, options.fetch);
    this.#discovery = new Discovery(new URL(this.#address.issuer), this.#http);
    this.#logger = options.logger;
    this.#fetch = options.fetch;
    this.#leeway = options.tokenRefreshLeeway ?? 60;
    // Cookies are Secure unless the app's own callback is plain http (local development).
    const secure = !this.#params.redirect_uri?.startsWith('http:');
    this.#transactions =
      options.transactionStore ??
      (new CookieTransactionStore({
        secrets,
        secure,
      }) as unknown as TransactionStore<TStoreOptions>);
    this.#sessions =
      options.stateStore ??
      (new CookieStateStore({ secrets, secure }) as unknown as StateStore<TStoreOptions>);
    // Stateful stores delete logged-out sessions; cookie sessions need the revocation list.
    this.#revocations =
      options.logoutRevocations ??
      (this.#sessions.deleteByLogout ? undefined : new MemoryRevocations());
    this.#connectedAccounts = new ConnectedAccounts({
      myAccount: new MyAccountClient(this.#address.origin, options.fetch, options.httpTimeout),
      transactions: this.#transactions,
      issuer: async () => (await this.#discovery.get()).issuer,
      clientId: this.#client.client_id,
      defaultRedirectUri: this.#params.redirect_uri,
      accessToken: async (scope, storeOptions) =>
        (
          await this.getAccessToken({
            audience: MyAccountClient.audienceFor(this.#address.origin),
            scope,
            storeOptions,
          })
        ).accessToken,
    });
  }

  /** Starts a login: stores a transaction and returns the tenant URL to redirect the browser to. */
  async startInteractiveLogin(options: StartInteractiveLoginOptions<TStoreOptions>): Promise<URL> {
    const as = await this.#discovery.get();
    const perCall = options.authorizationParams ?? {};
    const redirectUri = (perCall.redirect_uri ?? this.#params.redirect_uri) as string | undefined;
    if (!redirectUri) throw new MissingRequiredArgumentError('redirect_uri');
    const audience = (perCall.audience ?? this.#params.audience) as string | undefined;
    const scope = loginScope(
      this.#params.scope,
      audience,
      typeof perCall.scope === 'string' ? perCall.scope : undefined,
    );

    const codeVerifier = oauth.generateRandomCodeVerifier();
    const transaction: TransactionData = {
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      codeVerifier,
      redirectUri,
      issuer: as.issuer,
      clientId: this.#client.client_id,
      audience,
      scope,
      appState: options.appState,
      createdAt: nowSeconds(),
    };

    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...this.#params, ...perCall })) {
      if (value === undefined || RESERVED_PARAMS.has(name) || typeof value === 'object') continue;
      params.set(name, String(value));
    }
    params.set('client_id', this.#client.client_id);
    params.set('response_type', 'code');
    params.set('redirect_uri', redirectUri);
    params.set('scope', scope);
    params.set('state', transaction.state);
    params.set('nonce', transaction.nonce as string);
    params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    params.set('code_challenge_method', 'S256');

    const push = options.pushedAuthorizationRequests ?? this.#pushedAuthorizationRequests;
    const url = push
      ? await pushAuthorizationRequest(
          as,
          this.#client,
          await this.#clientAuth(),
          params,
          this.#http,
        )
      : authorizationUrl(as, params);
    await this.#transactions.set(
      transaction,
      transaction.createdAt + TRANSACTION_LIFETIME_SECONDS,
      options.storeOptions,
    );
    return url;
  }

  /**
   * Completes a login from the callback URL: checks it against its transaction, exchanges the code,
   * verifies the ID token and stores a brand-new session.
   */
  async completeInteractiveLogin(
    options: CompleteInteractiveLoginOptions<TStoreOptions>,
  ): Promise<LoginResult> {
    const url = typeof options.url === 'string' ? URL.parse(options.url) : options.url;
    if (!url)
      throw new InvalidArgumentError('url', 'The callback URL is not a valid absolute URL.');
    const state = url.searchParams.get('state');
    if (!state) {
      const error = url.searchParams.get('error');
      if (error)
        throw new AuthorizationError(error, url.searchParams.get('error_description') ?? undefined);
      throw new MissingRequiredArgumentError('state');
    }
    const transaction = await this.#transactions.get(state, options.storeOptions);
    if (!transaction) {
      this.#logger?.debug({ reason: 'no transaction for state' }, 'gatehouse: callback refused');
      throw new MissingTransactionError(
        'No login transaction matches this callback: it expired, was completed already, or its cookie ' +
          'was not sent back (over plain http, a Secure cookie is dropped). Start the login again.',
      );
    }
    const as = await this.#discovery.get();
    if (
      transaction.authSession !== undefined ||
      transaction.issuer !== as.issuer ||
      transaction.clientId !== this.#client.client_id
    ) {
      throw new MissingTransactionError(
        'The login transaction was started for another tenant or client.',
      );
    }

    try {
      const callbackParams = validateCallback({ as, client: this.#client }, url, transaction);
      const { tokens, claims } = await exchangeCode(
        {
          as,
          client: this.#client,
          clientAuth: await this.#clientAuth(),
          http: this.#http,
          jwksCache: this.#jwksCache,
        },
        callbackParams,
        transaction,
      );
      const now = nowSeconds();
      const ceiling = sanitizeSessionExpiry(claims.session_expiry);
      if (isCeilingInPast(ceiling, claims.iat, now)) throw new SessionExpiredError();

      const session = newSession(tokens, claims as UserClaims, transaction, ceiling, now);
      // A fresh session and session id replace whatever this browser had before (no fixation,
      // and a new user never inherits the previous user's tokens).
      await this.#sessions.set(
        session,
        { expiresAt: sessionEndsAt(session.internal, this.#lifetime), rotateId: true },
        options.storeOptions,
      );
      return { appState: transaction.appState, session: publicSession(session) };
    } finally {
      // The code is spent whatever happened: the transaction cannot be used twice.
      await this.#transactions.delete(state, options.storeOptions);
    }
  }

  /** The signed-in user's claims, or undefined. */
  async getUser(options: StoreOptionsArgument<TStoreOptions>): Promise<UserClaims | undefined> {
    return (await this.#loadSession(options.storeOptions)).session?.user;
  }

  /** The session (tokens included, internal bookkeeping excluded), or undefined. */
  async getSession(options: StoreOptionsArgument<TStoreOptions>): Promise<Session | undefined> {
    const { session } = await this.#loadSession(options.storeOptions);
    return session && publicSession(session);
  }

  /**
   * An access token for an API: the cached one while it stays valid for longer than the refresh
   * leeway, otherwise a new one through the session's refresh token (Multi-Resource Refresh Tokens
   * for other APIs). Concurrent calls for the same session, API and scopes share one refresh.
   */
  async getAccessToken(options: GetAccessTokenOptions<TStoreOptions>): Promise<TokenSet> {
    const { storeOptions } = options;
    const { session, ended } = await this.#loadSession(storeOptions);
    if (ended === 'ceiling') {
      throw new AccessTokenError(
        'session_expired',
        'The session has reached its upstream expiry; the user must sign in again.',
      );
    }
    if (!session)
      throw new AccessTokenError(
        'missing_session',
        'There is no session: the user must sign in first.',
      );
    const audience = options.audience ?? (this.#params.audience as string | undefined);
    const request = {
      audience,
      audienceKey: audience ?? DEFAULT_AUDIENCE,
      scope:
        mergeScopes(scopeForAudience(this.#params.scope, audience), options.scope) || undefined,
    };
    if (!options.forceRefresh) {
      const cached = findTokenSet(
        session.tokenSets,
        request.audienceKey,
        request.scope,
        nowSeconds(),
        this.#leeway,
      );
      if (cached) return cached;
    }
    if (!session.refreshToken) {
      throw new AccessTokenError(
        'missing_refresh_token',
        'The session has no refresh token: include offline_access in the login scope to get one.',
      );
    }
    const lineage = fingerprint(session.refreshToken);
    const update = await this.#refreshes.run(
      `${lineage} ${request.audienceKey} ${request.scope ?? ''}`,
      () =>
        this.#sessionQueue.run(lineage, () =>
          this.#refreshAndStore(session, request, storeOptions),
        ),
      { fresh: options.forceRefresh === true },
    );
    await this.#storeIfMissing(storeOptions, session, (current) =>
      current.tokenSets.some((set) => set.accessToken === update.tokenSet.accessToken)
        ? undefined
        : applyTokenUpdate(current, update, nowSeconds()),
    );
    return update.tokenSet;
  }

  /**
   * An upstream provider's access token for a connection (Auth0 Token Vault), cached per
   * connection and login hint until it expires. Not limited by the `session_expiry` ceiling.
   */
  async getAccessTokenForConnection(
    options: GetAccessTokenForConnectionOptions<TStoreOptions>,
  ): Promise<ConnectionTokenSet> {
    if (!options.connection) throw new MissingRequiredArgumentError('connection');
    const { storeOptions, connection, loginHint } = options;
    const { session } = await this.#loadSession(storeOptions, { enforceCeiling: false });
    if (!session)
      throw new AccessTokenForConnectionError(
        'missing_session',
        'There is no session: the user must sign in first.',
      );
    const cached = findConnectionTokenSet(
      session.connectionTokenSets,
      connection,
      loginHint,
      nowSeconds(),
      this.#leeway,
    );
    if (cached) return cached;
    const { refreshToken } = session;
    if (!refreshToken) {
      throw new AccessTokenForConnectionError(
        'missing_refresh_token',
        'Token Vault needs a refresh token: include offline_access in the login scope.',
      );
    }
    const set = await this.#connectionTokens.run(
      `${fingerprint(refreshToken)} ${connection} ${loginHint ?? ''}`,
      async () => {
        const context = await this.#tenantContext();
        const request = { connection, loginHint };
        const response = await connectionTokenRequest(context, refreshToken, request);
        return processConnectionTokenResponse(context, response, request, nowSeconds());
      },
    );
    await this.#storeIfMissing(storeOptions, session, (current) =>
      current.connectionTokenSets.some((existing) => existing.accessToken === set.accessToken)
        ? undefined
        : applyConnectionTokenSet(current, set, nowSeconds()),
    );
    return set;
  }

  /**
   * Starts connecting an upstream account (My Account API): returns the URL of the provider's
   * consent screen. Needs a My Account token through MRRT (scope `create:me:connected_accounts`).
   */
  startConnectAccount(options: StartConnectAccountOptions<TStoreOptions>): Promise<URL> {
    return this.#connectedAccounts.start(options);
  }

  /** Completes a connect from the callback URL (`connect_code`, `state`). */
  completeConnectAccount(
    options: CompleteConnectAccountOptions<TStoreOptions>,
  ): Promise<CompleteConnectAccountResult> {
    return this.#connectedAccounts.complete(options);
  }

  /** The user's connected accounts, a page at a time (scope `read:me:connected_accounts`). */
  listConnectedAccounts(
    options: ListConnectedAccountsOptions<TStoreOptions>,
  ): Promise<ConnectedAccountsPage> {
    return this.#connectedAccounts.listAccounts(options);
  }

  /** The connections the user can connect accounts for (scope `read:me:connected_accounts`). */
  listConnectedAccountConnections(
    options: ListConnectionsOptions<TStoreOptions>,
  ): Promise<ConnectionsPage> {
    return this.#connectedAccounts.listConnections(options);
  }

  /** Deletes a connected account (scope `delete:me:connected_accounts`). */
  deleteConnectedAccount(options: DeleteConnectedAccountOptions<TStoreOptions>): Promise<void> {
    return this.#connectedAccounts.delete(options);
  }

  /**
   * Handles a back-channel logout from the tenant: verifies the logout token, then ends the
   * sessions it names: deleted from a stateful store, and remembered as revoked so that cookie
   * sessions are refused at their next read.
   */
  async handleBackchannelLogout(options: BackchannelLogoutOptions<TStoreOptions>): Promise<void> {
    const as = await this.#discovery.get();
    if (!as.jwks_uri) throw new BackchannelLogoutError('The tenant advertises no jwks_uri.');
    this.#tenantKeys ??= createRemoteJWKSet(new URL(as.jwks_uri), {
      ...(this.#fetch ? { [customFetch]: this.#fetch } : {}),
    });
    const selector = await verifyLogoutToken(
      {
        issuer: as.issuer,
        clientId: this.#client.client_id,
        keys: this.#tenantKeys,
        seen: this.#logoutTokenSeen,
      },
      options.logoutToken,
    );
    const deleted = (await this.#sessions.deleteByLogout?.(selector)) ?? 0;
    await this.#revocations?.revoke(selector, nowSeconds(), this.#lifetime.absoluteDuration);
    this.#logger?.info(
      { deleted, bySid: selector.sid !== undefined },
      'gatehouse: back-channel logout',
    );
  }

  /** Ends the session here and returns the tenant's logout URL to redirect the browser to. */
  async logout(options: LogoutOptions<TStoreOptions>): Promise<URL> {
    if (options.returnTo !== undefined) {
      const parsed = URL.parse(options.returnTo);
      if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
        throw new InvalidArgumentError(
          'returnTo',
          'returnTo must be an absolute http(s) URL of the app.',
        );
      }
    }
    await this.#sessions.delete(options.storeOptions);
    const as = await this.#discovery.get();
    return logoutUrl(as, this.#address, this.#client.client_id, options.returnTo);
  }

  /**
   * The one place every read goes through: loads the session, ends it when its lifetime or the
   * upstream ceiling has passed, and extends a rolling session that is being used.
   */
  async #loadSession(
    storeOptions: TStoreOptions,
    { enforceCeiling = true } = {},
  ): Promise<{ session?: SessionData; ended?: 'ceiling' | 'lifetime' }> {
    const session = await this.#sessions.get(storeOptions);
    if (!session) return {};
    const now = nowSeconds();
    const { sessionExpiresAt: _ceiling, ...withoutCeiling } = session.internal;
    const ended = sessionEndReason(
      enforceCeiling ? session.internal : withoutCeiling,
      this.#lifetime,
      now,
    );
    const revoked = await this.#revocations?.isRevoked({
      sub: session.user.sub,
      sid: session.internal.sid,
      createdAt: session.internal.createdAt,
    });
    if (ended || revoked) {
      this.#logger?.debug({ reason: ended ?? 'back-channel logout' }, 'gatehouse: session ended');
      await this.#sessions.delete(storeOptions);
      return { ended: ended ?? 'lifetime' };
    }
    if (shouldTouch(session.internal, this.#lifetime, now)) {
      session.internal.updatedAt = now;
      await this.#store(session, storeOptions);
    }
    return { session };
  }

  /**
   * Refreshes and stores the result. Runs in the session's queue, and re-reads the session first:
   * an earlier refresh in this request may have rotated the refresh token.
   */
  async #refreshAndStore(
    session: SessionData,
    request: RefreshRequest,
    storeOptions: TStoreOptions,
  ): Promise<TokenUpdate> {
    const current = (await this.#sessions.get(storeOptions)) ?? session;
    if (!current.refreshToken) {
      throw new AccessTokenError('missing_refresh_token', 'The session has no refresh token.');
    }
    const context = await this.#tenantContext();
    const response = await refreshTokenRequest(context, current.refreshToken, request);
    const result = await processRefreshResponse(context, response, request, nowSeconds());
    await this.#store(applyTokenUpdate(current, result, nowSeconds()), storeOptions);
    this.#logger?.debug({ audience: request.audienceKey }, 'gatehouse: access token refreshed');
    return result;
  }

  /** Writes a session back; its cookie or TTL follows its lifetime and ceiling. */
  #store(session: SessionData, storeOptions: TStoreOptions): Promise<void> {
    return this.#sessions.set(
      session,
      { expiresAt: sessionEndsAt(session.internal, this.#lifetime), rotateId: false },
      storeOptions,
    );
  }

  /**
   * Applies a shared result to this caller's own session. The caller that ran the request has
   * stored it already (and `change` returns undefined); callers that joined from another request
   * store it in theirs.
   */
  async #storeIfMissing(
    storeOptions: TStoreOptions,
    fallback: SessionData,
    change: (current: SessionData) => SessionData | undefined,
  ): Promise<void> {
    const current = (await this.#sessions.get(storeOptions)) ?? fallback;
    const next = change(current);
    if (next) await this.#store(next, storeOptions);
  }

  async #tenantContext(): Promise<TenantContext> {
    return {
      as: await this.#discovery.get(),
      client: this.#client,
      clientAuth: await this.#clientAuth(),
      http: this.#http,
    };
  }
}

/** A short, non-reversible name for a refresh token, to key concurrent work by session. */
function fingerprint(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url').slice(0, 22);
}

/** The session a login creates. */
function newSession(
  tokens: oauth.TokenEndpointResponse,
  claims: UserClaims,
  transaction: TransactionData,
  ceiling: number | undefined,
  now: number,
): SessionData {
  const user: UserClaims = { ...claims };
  for (const claim of PROTOCOL_CLAIMS) delete user[claim];
  if (ceiling === undefined) delete user.session_expiry;
  return {
    user,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
    tokenSets: tokens.access_token
      ? [
          tokenSetFor(
            transaction.audience ?? DEFAULT_AUDIENCE,
            tokens.access_token,
            tokens.scope,
            transaction.scope,
            now + (tokens.expires_in ?? 3600),
          ),
        ]
      : [],
    connectionTokenSets: [],
    internal: {
      sid: typeof claims.sid === 'string' ? claims.sid : randomBytes(16).toString('hex'),
      createdAt: now,
      updatedAt: now,
      ...(ceiling !== undefined ? { sessionExpiresAt: ceiling } : {}),
    },
  };
}
