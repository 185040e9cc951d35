import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { nowSeconds } from '../clock.js';
import {
  AuthorizationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  MissingTransactionError,
  SessionExpiredError,
} from '../errors.js';
import { authorizationUrl, pushAuthorizationRequest } from '../oidc/authorize.js';
import { exchangeCode, validateCallback } from '../oidc/callback.js';
import type { Tenant } from '../oidc/tenant.js';
import type { AuthorizationParams, Logger } from '../options.js';
import { isCeilingInPast, sanitizeSessionExpiry } from '../session/lifetime.js';
import {
  DEFAULT_AUDIENCE,
  type Session,
  type SessionData,
  type UserClaims,
} from '../session/model.js';
import { loginScope } from '../session/scopes.js';
import { tokenSetFor } from '../session/token-sets.js';
import type { Sessions } from '../stores/sessions.js';
import type { TransactionData, TransactionStore } from '../stores/types.js';

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

/** Options of `startInteractiveLogin`. */
export interface StartInteractiveLoginOptions<TStoreOptions> {
  /** Anything to get back from `completeInteractiveLogin`, e.g. `{ returnTo }`. */
  appState?: unknown;
  /** Parameters for this login; `scope` adds to the configured scope. */
  authorizationParams?: AuthorizationParams;
  /** Push the parameters first (RFC 9126). Default: the client's `pushedAuthorizationRequests`. */
  pushedAuthorizationRequests?: boolean;
  storeOptions: TStoreOptions;
}

/** Options of `completeInteractiveLogin`. */
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

/** What the login flow needs from the client that owns it. */
export interface InteractiveLoginContext<TStoreOptions> {
  tenant: Tenant;
  params: AuthorizationParams;
  pushedAuthorizationRequests: boolean;
  transactions: TransactionStore<TStoreOptions>;
  sessions: Sessions<TStoreOptions>;
  logger: Logger | undefined;
}

/**
 * Interactive login (OpenID Connect authorization code flow with PKCE): a transaction per attempt
 * keyed by `state`, then the callback checked against it and a brand-new session.
 */
export class InteractiveLogin<TStoreOptions> {
  constructor(private readonly context: InteractiveLoginContext<TStoreOptions>) {}

  async start(options: StartInteractiveLoginOptions<TStoreOptions>): Promise<URL> {
    const { tenant, params: configured } = this.context;
    const as = await tenant.metadata();
    const perCall = options.authorizationParams ?? {};
    const redirectUri = (perCall.redirect_uri ?? configured.redirect_uri) as string | undefined;
    if (!redirectUri) throw new MissingRequiredArgumentError('redirect_uri');
    const audience = (perCall.audience ?? configured.audience) as string | undefined;
    const scope = loginScope(
      configured.scope,
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
      clientId: tenant.client.client_id,
      audience,
      scope,
      appState: options.appState,
      createdAt: nowSeconds(),
    };

    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...configured, ...perCall })) {
      if (value === undefined || RESERVED_PARAMS.has(name) || typeof value === 'object') continue;
      params.set(name, String(value));
    }
    params.set('client_id', tenant.client.client_id);
    params.set('response_type', 'code');
    params.set('redirect_uri', redirectUri);
    params.set('scope', scope);
    params.set('state', transaction.state);
    params.set('nonce', transaction.nonce as string);
    params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    params.set('code_challenge_method', 'S256');

    const push = options.pushedAuthorizationRequests ?? this.context.pushedAuthorizationRequests;
    const url = push
      ? await pushAuthorizationRequest(
          as,
          tenant.client,
          await tenant.clientAuth(),
          params,
          tenant.http,
        )
      : authorizationUrl(as, params);
    await this.context.transactions.set(
      transaction,
      transaction.createdAt + TRANSACTION_LIFETIME_SECONDS,
      options.storeOptions,
    );
    return url;
  }

  async complete(options: CompleteInteractiveLoginOptions<TStoreOptions>): Promise<LoginResult> {
    const { tenant, transactions, sessions, logger } = this.context;
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
    const transaction = await transactions.get(state, options.storeOptions);
    if (!transaction) {
      logger?.debug({ reason: 'no transaction for state' }, 'gatehouse: callback refused');
      throw new MissingTransactionError(
        'No login transaction matches this callback: it expired, was completed already, or its cookie ' +
          'was not sent back (over plain http, a Secure cookie is dropped). Start the login again.',
      );
    }
    const as = await tenant.metadata();
    // A connect transaction (it has an authSession), or one for another tenant or client, is no
    // login transaction.
    if (
      transaction.authSession !== undefined ||
      transaction.issuer !== as.issuer ||
      transaction.clientId !== tenant.client.client_id
    ) {
      throw new MissingTransactionError(
        'The login transaction was started for another tenant, client or flow.',
      );
    }

    try {
      const callbackParams = validateCallback({ as, client: tenant.client }, url, transaction);
      const { tokens, claims } = await exchangeCode(
        {
          as,
          client: tenant.client,
          clientAuth: await tenant.clientAuth(),
          http: tenant.http,
          jwksCache: tenant.jwksCache,
        },
        callbackParams,
        transaction,
      );
      const nowMs = Date.now();
      const now = Math.floor(nowMs / 1000);
      const ceiling = sanitizeSessionExpiry(claims.session_expiry);
      if (isCeilingInPast(ceiling, claims.iat, now)) throw new SessionExpiredError();
      const session = newSession(tokens, claims as UserClaims, transaction, ceiling, nowMs);
      // A fresh session and session id replace whatever this browser had before (no fixation,
      // and a new user never inherits the previous user's tokens).
      await sessions.save(session, options.storeOptions, { rotateId: true });
      return { appState: transaction.appState, session: sessions.view(session) };
    } finally {
      // The code is spent whatever happened: the transaction cannot be used twice.
      await transactions.delete(state, options.storeOptions);
    }
  }
}

/** The session a login creates. */
function newSession(
  tokens: oauth.TokenEndpointResponse,
  claims: UserClaims,
  transaction: TransactionData,
  ceiling: number | undefined,
  nowMs: number,
): SessionData {
  const now = Math.floor(nowMs / 1000);
  const user: UserClaims = { ...claims };
  for (const claim of PROTOCOL_CLAIMS) delete user[claim];
  if (ceiling === undefined) delete user.session_expiry;
  const expiresAt = now + (tokens.expires_in ?? 3600);
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
            expiresAt,
          ),
        ]
      : [],
    connectionTokenSets: [],
    internal: {
      sid: typeof claims.sid === 'string' ? claims.sid : randomBytes(16).toString('hex'),
      createdAt: now,
      createdAtMs: nowMs,
      updatedAt: now,
      ...(ceiling !== undefined ? { sessionExpiresAt: ceiling } : {}),
    },
  };
}
