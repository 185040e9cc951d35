import { configuredTenantAddress, type Logger, MemoryReplayStore } from '@gatehouse/base';
import type {
  BackchannelAuthenticationOptions,
  BackchannelRequest,
  PollOptions,
} from './ciba/backchannel.js';
import { BackchannelAuthentication } from './ciba/backchannel-client.js';
import {
  ConfigurationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  StartLinkUserError,
} from './errors.js';
import {
  type LoginWithCustomTokenExchangeOptions,
  type SessionTransferOptions,
  TokenExchanges,
} from './exchange/exchanges.js';
import type { CustomTokenExchangeOptions, TokenExchangeResult } from './exchange/token-exchange.js';
import {
  type CompleteInteractiveLoginOptions,
  InteractiveLogin,
  type LoginResult,
  type StartInteractiveLoginOptions,
} from './login/interactive-login.js';
import { type MfaClient, TenantMfaClient } from './mfa/mfa-client.js';
import { MfaTokens } from './mfa/mfa-token.js';
import {
  type CompleteConnectAccountOptions,
  type CompleteConnectAccountResult,
  ConnectedAccounts,
  callbackKind,
  type DeleteConnectedAccountOptions,
  type ListConnectedAccountsOptions,
  type ListConnectionsOptions,
  type StartConnectAccountOptions,
} from './my-account/connected-accounts.js';
import { MyAccountClient } from './my-account/my-account-client.js';
import type { ConnectedAccountsPage, ConnectionsPage } from './my-account/types.js';
import { BackchannelLogouts } from './oidc/backchannel-logouts.js';
import { TenantDomains } from './oidc/domains.js';
import { DpopProofs } from './oidc/dpop.js';
import type { GrantTokens } from './oidc/grant.js';
import { logoutUrl } from './oidc/logout.js';
import {
  type AuthorizationParams,
  resolveAuthorizationParams,
  resolveClientCredential,
  resolveIdTokenPolicy,
  resolveLifetime,
  resolveSecrets,
  type ServerClientOptions,
} from './options.js';
import { checkServerClientOptions } from './options-check.js';
import { Passkeys } from './passkeys/passkeys.js';
import type {
  PasskeyChallenge,
  PasskeyLoginChallengeOptions,
  PasskeySignupChallengeOptions,
  SigninWithPasskeyOptions,
} from './passkeys/types.js';
import {
  type PasswordlessClient,
  TenantPasswordlessClient,
} from './passwordless/passwordless-client.js';
import type {
  ConnectionTokenSet,
  Session,
  SessionData,
  TokenSet,
  UserClaims,
} from './session/model.js';
import { defaultStores, secureCookiesFor } from './stores/defaults.js';
import { MemoryRevocations } from './stores/revocations.js';
import { Sessions } from './stores/sessions.js';
import type { CookieStoreOptions, StateStore, TransactionStore } from './stores/types.js';
import {
  AccessTokens,
  type GetAccessTokenForConnectionOptions,
  type GetAccessTokenOptions,
} from './tokens/access-tokens.js';
import {
  AuthenticatedFetch,
  type AuthenticatedFetchOptions,
} from './tokens/authenticated-fetch.js';

export type {
  CompleteInteractiveLoginOptions,
  GetAccessTokenForConnectionOptions,
  GetAccessTokenOptions,
  LoginResult,
  StartInteractiveLoginOptions,
};

/** What {@link ServerClient.completeCallback} completed. */
export type CallbackResult =
  | { kind: 'login'; appState: unknown; session: Session }
  | { kind: 'connect'; appState: unknown; account: CompleteConnectAccountResult };

/** Options of the session read methods. */
export interface StoreOptionsArgument<TStoreOptions> {
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.handleBackchannelLogout}. */
export interface BackchannelLogoutOptions<TStoreOptions> {
  /** The `logout_token` form field the tenant POSTed. */
  logoutToken: string;
  /** Not needed by the built-in stores; passed on for custom ones. */
  storeOptions?: TStoreOptions;
}

/** Options of {@link ServerClient.startLinkUser} and {@link ServerClient.startUnlinkUser}. */
export interface StartLinkOptions<TStoreOptions> {
  /** The connection of the identity, e.g. `github`. */
  connection: string;
  /** Scopes to ask of that connection (linking). */
  connectionScope?: string;
  /** Other `/authorize` parameters, e.g. `redirect_uri`. */
  authorizationParams?: AuthorizationParams;
  /** Anything to get back at the callback, e.g. `{ returnTo }`. */
  appState?: unknown;
  storeOptions: TStoreOptions;
}

/** Options of {@link ServerClient.logout}. */
export interface LogoutOptions<TStoreOptions> {
  /** Absolute URL the tenant sends the browser to afterwards; must be an allowed logout URL. */
  returnTo?: string;
  storeOptions: TStoreOptions;
}

/**
 * Auth0 for a server-rendered web app: interactive login, encrypted sessions, access tokens,
 * Token Vault, Connected Accounts, logout and back-channel logout. The TypeScript counterpart of
 * auth0-server-python's `ServerClient`; it checks its configuration when constructed and holds
 * only orchestration: each flow lives in its own module.
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
  /**
   * Auth0's MFA API, for the `mfaToken` of an `MfaRequiredError`: list, enrol and challenge
   * authenticators, and verify a code to get the token that needed MFA.
   */
  readonly mfa: MfaClient<TStoreOptions>;
  /**
   * Passwordless login: `start` sends a one-time code (email or text message) or a magic link,
   * `verify` checks the code and starts a session. Links complete at the callback.
   */
  readonly passwordless: PasswordlessClient<TStoreOptions>;
  readonly #domains: TenantDomains<TStoreOptions>;
  readonly #clientId: string;
  readonly #sessions: Sessions<TStoreOptions>;
  readonly #login: InteractiveLogin<TStoreOptions>;
  readonly #tokens: AccessTokens<TStoreOptions>;
  readonly #connectedAccounts: ConnectedAccounts<TStoreOptions>;
  readonly #logger: Logger | undefined;
  readonly #backchannelLogouts: BackchannelLogouts<TStoreOptions>;
  readonly #passkeys: Passkeys<TStoreOptions>;
  readonly #exchanges: TokenExchanges<TStoreOptions>;
  readonly #transactions: TransactionStore<TStoreOptions>;
  readonly #backchannel: BackchannelAuthentication<TStoreOptions>;
  readonly #authenticatedFetch: AuthenticatedFetch<TStoreOptions>;

  constructor(options: ServerClientOptions<TStoreOptions>) {
    checkServerClientOptions(options);
    const secrets = resolveSecrets(options.secret);
    const domain =
      typeof options.domain === 'function'
        ? options.domain
        : configuredTenantAddress(options.domain);
    if (typeof options.clientId !== 'string' || options.clientId === '') {
      throw new ConfigurationError('clientId', 'is required.');
    }
    const params = resolveAuthorizationParams(options.authorizationParams);
    const lifetime = resolveLifetime(options.session);
    this.#logger = options.logger;
    this.#clientId = options.clientId;
    const dpop = options.dpop ? new DpopProofs(options.dpop) : undefined;
    this.#domains = new TenantDomains(domain, {
      dpop,
      clientId: options.clientId,
      credential: resolveClientCredential(options),
      idTokens: resolveIdTokenPolicy(options),
      timeoutMs: options.httpTimeout ?? 10_000,
      fetch: options.fetch,
      logger: options.logger,
    });

    // Without an app URL, the callback's scheme says whether cookies can be Secure.
    const defaults = defaultStores({ secrets, secure: secureCookiesFor(params.redirect_uri) });
    const transactions =
      options.transactionStore ??
      (defaults.transactionStore as unknown as TransactionStore<TStoreOptions>);
    this.#transactions = transactions;
    const store =
      options.stateStore ?? (defaults.stateStore as unknown as StateStore<TStoreOptions>);
    // Stateful stores delete logged-out sessions; cookie sessions need the revocation list.
    const revocations =
      options.logoutRevocations ?? (store.deleteByLogout ? undefined : new MemoryRevocations());
    this.#sessions = new Sessions(store, lifetime, revocations, options.logger);
    this.#backchannelLogouts = new BackchannelLogouts({
      domains: this.#domains,
      clientId: options.clientId,
      sessions: this.#sessions,
      replay: options.logoutTokenReplayStore ?? new MemoryReplayStore({ maxEntries: 50_000 }),
      logger: options.logger,
    });

    const shared = {
      domains: this.#domains,
      params,
      sessions: this.#sessions,
      logger: options.logger,
    };
    this.#login = new InteractiveLogin({
      ...shared,
      clientId: options.clientId,
      organization: options.organization,
      beforeSessionSaved: options.beforeSessionSaved,
      transactions,
      pushedAuthorizationRequests: options.pushedAuthorizationRequests ?? false,
      fetchUserInfo: options.fetchUserInfo ?? false,
    });
    const mfaTokens = new MfaTokens(secrets, options.mfaTokenTtl ?? 300);
    this.#tokens = new AccessTokens({
      ...shared,
      leeway: options.tokenRefreshLeeway ?? 60,
      mfaTokens,
      beforeSessionSaved: options.beforeSessionSaved,
    });
    this.mfa = new TenantMfaClient({
      domains: this.#domains,
      tokens: mfaTokens,
      sessions: this.#sessions,
    });
    this.#exchanges = new TokenExchanges({
      domains: this.#domains,
      sessions: this.#sessions,
      beforeSessionSaved: options.beforeSessionSaved,
    });
    this.passwordless = new TenantPasswordlessClient({
      ...shared,
      login: this.#login,
      mfaTokens,
      beforeSessionSaved: options.beforeSessionSaved,
    });
    this.#backchannel = new BackchannelAuthentication({
      ...shared,
      beforeSessionSaved: options.beforeSessionSaved,
    });
    this.#authenticatedFetch = new AuthenticatedFetch({
      accessToken: (request) => this.getAccessToken(request),
      origins: options.apiOrigins,
      dpop,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    });
    this.#connectedAccounts = new ConnectedAccounts({
      domains: this.#domains,
      transactions,
      clientId: options.clientId,
      defaultRedirectUri: params.redirect_uri,
      accessToken: async (scope, storeOptions) => {
        const tenant = await this.#domains.current(storeOptions);
        const audience = MyAccountClient.audienceFor(tenant.address.origin);
        return this.getAccessToken({ audience, scope, storeOptions });
      },
    });
    this.#passkeys = new Passkeys({
      ...shared,
      beforeSessionSaved: options.beforeSessionSaved,
      mfaTokens,
      organization: options.organization,
    });
  }

  /** Starts a login: stores a transaction and returns the tenant URL to redirect the browser to. */
  startInteractiveLogin(options: StartInteractiveLoginOptions<TStoreOptions>): Promise<URL> {
    return this.#login.start(options);
  }

  /**
   * Completes a login from the callback URL: checks it against its transaction, exchanges the code,
   * verifies the ID token and stores a brand-new session.
   */
  completeInteractiveLogin(
    options: CompleteInteractiveLoginOptions<TStoreOptions>,
  ): Promise<LoginResult> {
    return this.#login.complete(options);
  }

  /**
   * Completes whichever flow a callback belongs to, as its transaction says: a login or a connect.
   * One callback URL can serve both, and a connect the user refused (`error=access_denied`, no
   * `connect_code`) is still reported as the connect's error.
   */
  async completeCallback(
    options: CompleteInteractiveLoginOptions<TStoreOptions>,
  ): Promise<CallbackResult> {
    const url = typeof options.url === 'string' ? URL.parse(options.url) : options.url;
    const state = url?.searchParams.get('state');
    const transaction = state
      ? await this.#transactions.get(state, options.storeOptions)
      : undefined;
    const isConnect = transaction
      ? transaction.authSession !== undefined
      : url !== null && callbackKind(url) === 'connect';
    if (isConnect) {
      const account = await this.completeConnectAccount(options);
      return { kind: 'connect', appState: account.appState, account };
    }
    const { appState, session } = await this.completeInteractiveLogin(options);
    return { kind: 'login', appState, session };
  }

  /** The signed-in user's claims, or undefined. */
  async getUser(options: StoreOptionsArgument<TStoreOptions>): Promise<UserClaims | undefined> {
    return (await this.#visibleSession(options.storeOptions))?.user;
  }

  /**
   * The session (tokens included, internal bookkeeping excluded), or undefined. With multiple
   * custom domains it includes `domain`, the origin of the domain it was created on.
   */
  async getSession(options: StoreOptionsArgument<TStoreOptions>): Promise<Session | undefined> {
    const session = await this.#visibleSession(options.storeOptions);
    return session && this.#sessions.view(session);
  }

  /**
   * The session, if this call may see it: with multiple custom domains, a session created on
   * another domain is not this request's (it is kept, not deleted: it is that domain's).
   */
  async #visibleSession(storeOptions: TStoreOptions): Promise<SessionData | undefined> {
    const { session } = await this.#sessions.load(storeOptions);
    // With a fixed domain every session is this call's: no second await on a session read.
    if (!session || !this.#domains.resolved) return session;
    return (await this.#domains.shows(session, storeOptions)) ? session : undefined;
  }

  /** Counters of the client's caches: tenant domains whose discovery and keys are held. */
  stats(): { domains: number } {
    return { domains: this.#domains.size };
  }

  /**
   * An access token for an API: the cached one while it stays valid for longer than the refresh
   * leeway, otherwise a new one through the session's refresh token (Multi-Resource Refresh Tokens
   * for other APIs). Concurrent calls for the same session, API and scopes share one refresh.
   */
  getAccessToken(options: GetAccessTokenOptions<TStoreOptions>): Promise<TokenSet> {
    return this.#tokens.get(options);
  }

  /**
   * Calls an API with the user's token for `audience`: `Authorization: Bearer`, or `DPoP` with a
   * proof for a DPoP-bound token; one retry when the API asks for a DPoP nonce, one after a
   * refresh when it refuses the token (`invalid_token`). The URL's origin must be the audience's
   * (an https audience is its own origin) or mapped to it in `apiOrigins`: otherwise
   * `AuthenticatedFetchError` `origin_not_allowed`, and nothing is sent.
   */
  authenticatedFetch(
    input: string | URL,
    init: RequestInit,
    options: AuthenticatedFetchOptions<TStoreOptions>,
  ): Promise<Response> {
    return this.#authenticatedFetch.fetch(input, init ?? {}, options);
  }

  /**
   * An upstream provider's access token for a connection (Auth0 Token Vault), cached per
   * connection and login hint until it expires. Not limited by the `session_expiry` ceiling.
   */
  getAccessTokenForConnection(
    options: GetAccessTokenForConnectionOptions<TStoreOptions>,
  ): Promise<ConnectionTokenSet> {
    return this.#tokens.forConnection(options);
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
   * Custom token exchange (RFC 8693, Auth0's exchange profiles): trades a token (a legacy or
   * external one, as a profile at the tenant accepts it) for Auth0 tokens. No session is touched.
   */
  customTokenExchange(
    options: CustomTokenExchangeOptions & { storeOptions?: TStoreOptions },
  ): Promise<TokenExchangeResult> {
    return this.#exchanges.exchange(options);
  }

  /**
   * A custom token exchange that starts a session: its ID token is checked as a login's (and
   * against `organization`), and a brand-new session replaces whatever the browser had.
   */
  loginWithCustomTokenExchange(
    options: LoginWithCustomTokenExchangeOptions<TStoreOptions>,
  ): Promise<Session> {
    return this.#exchanges.login(options);
  }

  /**
   * A session transfer token, for another app's login (`buildSessionTransferRedirect`): by default
   * from this session's refresh token. The tenant accepts it once.
   */
  requestSessionTransferToken(
    options: SessionTransferOptions<TStoreOptions>,
  ): Promise<TokenExchangeResult> {
    return this.#exchanges.sessionTransferToken(options);
  }

  /**
   * Client-Initiated Backchannel Authentication (CIBA): asks the tenant to have the user
   * (`loginHint.sub`) approve on their own device, showing `bindingMessage`. Returns the request
   * to poll with {@link ServerClient.backchannelAuthenticationGrant}.
   */
  initiateBackchannelAuthentication(
    options: BackchannelAuthenticationOptions & { storeOptions?: TStoreOptions },
  ): Promise<BackchannelRequest> {
    return this.#backchannel.initiate(options);
  }

  /**
   * One poll of a CIBA request: the tokens once the user approved; otherwise rejects with a
   * `BackchannelAuthenticationError` whose code is the tenant's answer (`authorization_pending`,
   * `slow_down` with `retryAfter`, `access_denied`, `expired_token`).
   */
  backchannelAuthenticationGrant(options: {
    authReqId: string;
    storeOptions?: TStoreOptions;
  }): Promise<GrantTokens> {
    return this.#backchannel.grant(options);
  }

  /**
   * Polls a started CIBA request until the user approves (the tokens), denies (`access_denied`) or
   * it expires (`expired_token`), honouring `interval`, `slow_down` and `Retry-After`. Rejects with
   * the signal's reason when `signal` aborts.
   */
  pollBackchannelAuthentication(
    request: BackchannelRequest & PollOptions & { storeOptions?: TStoreOptions },
  ): Promise<GrantTokens> {
    return this.#backchannel.await(request);
  }

  /** {@link ServerClient.initiateBackchannelAuthentication}, then polls until it ends. */
  backchannelAuthentication(
    options: BackchannelAuthenticationOptions & PollOptions & { storeOptions?: TStoreOptions },
  ): Promise<GrantTokens> {
    return this.#backchannel.authenticate(options);
  }

  /**
   * CIBA that signs the approving user in: their ID token is checked as at login and a session
   * with a new id is saved (when the browser's session is already theirs, the tokens join it).
   */
  loginBackchannel(
    options: BackchannelAuthenticationOptions & PollOptions & { storeOptions: TStoreOptions },
  ): Promise<Session> {
    return this.#backchannel.login(options);
  }

  /**
   * Starts linking another identity (`connection`) to the signed-in user: returns the tenant URL
   * (`link_account`, with the session's ID token as `id_token_hint`). Complete it at the callback
   * (`completeLinkUser`, or `completeCallback`): the user stays signed in.
   */
  startLinkUser(options: StartLinkOptions<TStoreOptions>): Promise<URL> {
    return this.#startLink('link', options);
  }

  /** Starts unlinking the identity of `connection` from the signed-in user (`unlink_account`). */
  startUnlinkUser(options: StartLinkOptions<TStoreOptions>): Promise<URL> {
    return this.#startLink('unlink', options);
  }

  /** Completes a link: a login of the same user, with a new session. */
  completeLinkUser(options: CompleteInteractiveLoginOptions<TStoreOptions>): Promise<LoginResult> {
    return this.#login.complete(options);
  }

  /** Completes an unlink: a login of the same user, with a new session. */
  completeUnlinkUser(
    options: CompleteInteractiveLoginOptions<TStoreOptions>,
  ): Promise<LoginResult> {
    return this.#login.complete(options);
  }

  async #startLink(
    action: 'link' | 'unlink',
    options: StartLinkOptions<TStoreOptions>,
  ): Promise<URL> {
    if (typeof options.connection !== 'string' || options.connection.trim() === '') {
      throw new MissingRequiredArgumentError('connection');
    }
    const session = await this.#visibleSession(options.storeOptions);
    if (!session?.idToken) {
      throw new StartLinkUserError(
        `There is no session with an ID token to ${action} an account to.`,
      );
    }
    await this.#domains.ofSession(
      session,
      options.storeOptions,
      () =>
        new StartLinkUserError('The session was created on another domain than this request’s.'),
    );
    return this.#login.start({
      storeOptions: options.storeOptions,
      appState: options.appState,
      ...(options.authorizationParams ? { authorizationParams: options.authorizationParams } : {}),
      link: {
        action,
        connection: options.connection,
        connectionScope: options.connectionScope,
        idToken: session.idToken,
        sub: session.user.sub,
      },
    });
  }

  /**
   * Signs a user out everywhere in this app (after a password change, a "this wasn't me"): every
   * server session of `sub` is deleted (through the backend's user index), and every cookie
   * session of it that began before now is refused at its next read (the revocation list). With
   * `@gatehouse/redis`, across every instance. Resolves to how many server sessions were deleted.
   */
  async logoutEverywhere(options: { sub: string }): Promise<{ deleted: number }> {
    if (typeof options?.sub !== 'string' || options.sub === '') {
      throw new MissingRequiredArgumentError('sub');
    }
    const deleted = await this.#sessions.endByLogout({ sub: options.sub });
    this.#logger?.info({ deleted }, 'gatehouse: signed out everywhere');
    return { deleted };
  }

  /**
   * Handles a back-channel logout from the tenant: verifies the logout token, then ends the
   * sessions it names: deleted from a stateful store, and remembered as revoked so that cookie
   * sessions are refused at their next read.
   */
  handleBackchannelLogout(options: BackchannelLogoutOptions<TStoreOptions>): Promise<void> {
    return this.#backchannelLogouts.handle(options.logoutToken, options.storeOptions);
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
    const tenant = await this.#domains.current(options.storeOptions);
    // With multiple custom domains, only a session of this request's domain is ended here.
    const session = this.#domains.resolved
      ? (await this.#sessions.load(options.storeOptions)).session
      : undefined;
    if (!session || (await this.#domains.shows(session, options.storeOptions))) {
      await this.#sessions.delete(options.storeOptions);
    }
    const as = await tenant.metadata();
    return logoutUrl(as, tenant.address, this.#clientId, options.returnTo);
  }

  // Passkeys (Auth0's native passkey API): challenge, browser ceremony, sign-in.

  /**
   * Creation options for a new user's passkey (`/passkey/register`): hand `publicKey` to the
   * browser (`PublicKeyCredential.parseCreationOptionsFromJSON`, `navigator.credentials.create`)
   * and keep `authSession` on the server for {@link ServerClient.signinWithPasskey}.
   *
   * @example
   * const { publicKey, authSession } = await client.passkeySignupChallenge({
   *   userProfile: { email: 'pat@example.com', name: 'Pat' },
   * });
   */
  passkeySignupChallenge(
    options: PasskeySignupChallengeOptions<TStoreOptions> = {},
  ): Promise<PasskeyChallenge> {
    return this.#passkeys.signupChallenge(options);
  }

  /**
   * Request options to sign in with a passkey (`/passkey/challenge`), for
   * `PublicKeyCredential.parseRequestOptionsFromJSON` and `navigator.credentials.get`. Without a
   * `username`, any of the user's discoverable passkeys answers.
   */
  passkeyLoginChallenge(
    options: PasskeyLoginChallengeOptions<TStoreOptions> = {},
  ): Promise<PasskeyChallenge> {
    return this.#passkeys.loginChallenge(options);
  }

  /**
   * Signs in (or completes a sign-up) with the browser's credential (`credential.toJSON()`) for a
   * challenge's `authSession`: the passkey grant at the tenant, its ID token checked as a login's,
   * and a brand-new session saved (the `beforeSessionSaved` hook runs with trigger `'passkey'`).
   * Throws `PasskeyError` (`passkey_token_error` when the tenant refused the passkey) or
   * `MfaRequiredError`.
   *
   * @example
   * const session = await client.signinWithPasskey({ authSession, authnResponse: credential, storeOptions });
   */
  signinWithPasskey(options: SigninWithPasskeyOptions<TStoreOptions>): Promise<Session> {
    return this.#passkeys.signin(options);
  }
}
