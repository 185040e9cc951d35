import type { Logger } from '@gatehouse/base';
import * as oauth from 'oauth4webapi';
import { nowSeconds } from '../clock.js';
import {
  AuthorizationError,
  InvalidArgumentError,
  LinkUserMismatchError,
  MissingRequiredArgumentError,
  SessionExpiredError,
  SilentLoginFailedError,
} from '../errors.js';
import { MyAccountClient } from '../my-account/my-account-client.js';
import {
  authorizationParameters,
  authorizationUrl,
  pushAuthorizationRequest,
} from '../oidc/authorize.js';
import {
  codeExchangeRequest,
  processCodeExchangeResponse,
  validateCallback,
} from '../oidc/callback.js';
import type { TenantDomains } from '../oidc/domains.js';
import { fetchUserInfo } from '../oidc/userinfo.js';
import type { AuthorizationParams } from '../options.js';
import type { BeforeSessionSaved } from '../session/hook.js';
import { isCeilingInPast, sanitizeSessionExpiry } from '../session/lifetime.js';
import type { Session, UserClaims } from '../session/model.js';
import { loginScope } from '../session/scopes.js';
import { newSession, startSession } from '../session/start-session.js';
import { applyTokenUpdate } from '../session/token-sets.js';
import type { Sessions } from '../stores/sessions.js';
import type { TransactionData, TransactionStore } from '../stores/types.js';
import { callbackTransaction } from './callback-transaction.js';
import { wholeSeconds } from './max-age.js';
import { checkOrganization, loginOrganization } from './organization.js';

/** How long a login attempt may take between the redirect and the callback. */
const TRANSACTION_LIFETIME_SECONDS = 3600;

/** Options of `startInteractiveLogin`. */
export interface StartInteractiveLoginOptions<TStoreOptions> {
  /** Anything to get back from `completeInteractiveLogin`, e.g. `{ returnTo }`. */
  appState?: unknown;
  /** Parameters for this login; `scope` adds to the configured scope. */
  authorizationParams?: AuthorizationParams;
  /** Push the parameters first (RFC 9126). Default: the client's `pushedAuthorizationRequests`. */
  pushedAuthorizationRequests?: boolean;
  /** The organization to log in to (an `org_…` id or a name). Default: the client's. */
  organization?: string;
  /** The ticket of an organization invitation (with its `organization`), from the invitation link. */
  invitation?: string;
  storeOptions: TStoreOptions;
}

/** Account linking (`link_account` / `unlink_account` through `/authorize`), as Auth0 runs it. */
export interface LinkRequest {
  action: 'link' | 'unlink';
  /** The connection of the identity to link or unlink, e.g. `github`. */
  connection: string;
  /** Scopes to ask of that connection (linking only). */
  connectionScope?: string | undefined;
  /** The session's ID token, as `id_token_hint`: who links. */
  idToken: string;
  /** The session's user: the login that completes the link must be this user. */
  sub: string;
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
  domains: TenantDomains<TStoreOptions>;
  /** This application's client id: a transaction of another client is no match. */
  clientId: string;
  /** The default organization of every login. */
  organization: string | undefined;
  /** The app's hook that shapes (or refuses) each new session. */
  beforeSessionSaved: BeforeSessionSaved | undefined;
  params: AuthorizationParams;
  pushedAuthorizationRequests: boolean;
  /** Fetch `/userinfo` after the code exchange and merge its claims into the user. */
  fetchUserInfo: boolean;
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

  async start(
    options: StartInteractiveLoginOptions<TStoreOptions> & { link?: LinkRequest },
  ): Promise<URL> {
    const { domains, params: configured } = this.context;
    const tenant = await domains.current(options.storeOptions);
    const as = await tenant.metadata();
    const perCall = options.authorizationParams ?? {};
    const redirectUri = (perCall.redirect_uri ?? configured.redirect_uri) as string | undefined;
    if (!redirectUri) throw new MissingRequiredArgumentError('redirect_uri');
    // A link's tokens are for the My Account API (Auth0's `audience=my-account`).
    const audience = options.link
      ? MyAccountClient.audienceFor(tenant.address.origin)
      : ((perCall.audience ?? configured.audience) as string | undefined);
    const { link } = options;
    const scope = link
      ? `openid ${link.action}_account`
      : loginScope(
          configured.scope,
          audience,
          typeof perCall.scope === 'string' ? perCall.scope : undefined,
        );

    const maxAge = maxAgeOf(perCall.max_age ?? configured.max_age);
    // An organization given as a plain `/authorize` parameter is checked in the ID token too.
    const organization = loginOrganization(
      options.organization ?? perCall.organization,
      this.context.organization ?? (configured.organization as string | undefined),
    );
    const invitation = options.invitation;
    if (invitation !== undefined && (typeof invitation !== 'string' || invitation === '')) {
      throw new InvalidArgumentError(
        'invitation',
        'invitation must be the ticket of the invitation link.',
      );
    }
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
      ...(maxAge !== undefined ? { maxAge } : {}),
      ...(organization !== undefined ? { organization } : {}),
      ...(link ? { linkSub: link.sub } : {}),
      ...((perCall.prompt ?? configured.prompt) === 'none' ? { silent: true } : {}),
      appState: options.appState,
      createdAt: nowSeconds(),
    };

    const organizationParams = {
      ...(organization !== undefined ? { organization } : {}),
      ...(invitation !== undefined ? { invitation } : {}),
      ...(link ? linkParameters(link) : {}),
    };
    const params = authorizationParameters([configured, perCall, organizationParams], {
      clientId: tenant.client.client_id,
      redirectUri,
      scope,
      state: transaction.state,
      nonce: transaction.nonce as string,
      codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    });

    const push = options.pushedAuthorizationRequests ?? this.context.pushedAuthorizationRequests;
    const url = push
      ? await pushAuthorizationRequest(await tenant.context(), params)
      : authorizationUrl(as, params);
    await this.context.transactions.set(
      transaction,
      transaction.createdAt + TRANSACTION_LIFETIME_SECONDS,
      options.storeOptions,
    );
    return url;
  }

  async complete(options: CompleteInteractiveLoginOptions<TStoreOptions>): Promise<LoginResult> {
    const { domains, transactions, sessions, logger, clientId } = this.context;
    const { url, state, transaction, tenant } = await callbackTransaction(
      {
        transactions,
        tenantOf: (started) => domains.ofTransaction(started),
        clientId,
        logger,
      },
      'login',
      options,
    );
    const as = await tenant.metadata();
    try {
      const callbackParams = silentAware(transaction, () =>
        validateCallback({ as, client: tenant.client }, url, transaction),
      );
      const context = await tenant.context();
      const response = await codeExchangeRequest(context, callbackParams, transaction);
      const nowMs = Date.now();
      const now = Math.floor(nowMs / 1000);
      const { tokens, claims } = await processCodeExchangeResponse(
        context,
        tenant,
        response,
        transaction,
        now,
      );
      checkOrganization(claims, transaction.organization);
      if (transaction.linkSub !== undefined && claims.sub !== transaction.linkSub) {
        // A link completes for the user who started it, never by switching to another account.
        throw new LinkUserMismatchError();
      }
      const user: UserClaims = this.context.fetchUserInfo
        ? {
            ...claims,
            ...(await fetchUserInfo(
              context,
              {
                accessToken: tokens.access_token,
                tokenType: tokens.token_type?.toLowerCase() === 'dpop' ? 'DPoP' : undefined,
              },
              claims.sub,
              tenant.dpop,
            )),
          }
        : (claims as UserClaims);
      if (transaction.linkSub !== undefined) {
        // A link keeps the user's session (its claims and tokens); it gains the link's token, and,
        // as every login, a new session id (SECURITY.md rule 6).
        const kept = await sessions.peek(options.storeOptions);
        if (kept && kept.user.sub === claims.sub) {
          const ceiling = sanitizeSessionExpiry(claims.session_expiry);
          if (isCeilingInPast(ceiling, claims.iat, now)) throw new SessionExpiredError();
          const [tokenSet] = newSession({ tokens, claims: user }, transaction, {
            domain: tenant.address.origin,
            ceiling,
            nowMs,
          }).tokenSets;
          const updated = tokenSet ? applyTokenUpdate(kept, { tokenSet }, now) : kept;
          await sessions.save(updated, options.storeOptions, { rotateId: true });
          return { appState: transaction.appState, session: sessions.view(updated) };
        }
      }
      const session = await startSession(
        this.context,
        {
          tokens: { ...tokens, id_token: tokens.id_token as string },
          idTokenClaims: claims,
          user,
          requested: transaction,
          domain: tenant.address.origin,
          trigger: 'login',
        },
        options.storeOptions,
      );
      return { appState: transaction.appState, session };
    } finally {
      // The code is spent whatever happened: the transaction cannot be used twice.
      await transactions.delete(state, options.storeOptions);
    }
  }
}

/** What a tenant answers a silent login (`prompt=none`) that cannot be silent. */
const SILENT_LOGIN_ERRORS = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

/** Runs `check`; for a silent login, a "no session" answer becomes a SilentLoginFailedError. */
function silentAware<T>(transaction: TransactionData, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (
      transaction.silent &&
      error instanceof AuthorizationError &&
      SILENT_LOGIN_ERRORS.has(error.error)
    ) {
      throw new SilentLoginFailedError(error.error, error.errorDescription, transaction.appState);
    }
    throw error;
  }
}

/** The `/authorize` parameters of a link or unlink (Auth0's account linking). */
function linkParameters(link: LinkRequest): Record<string, string> {
  return {
    audience: 'my-account',
    id_token_hint: link.idToken,
    requested_connection: link.connection,
    ...(link.action === 'link' && link.connectionScope
      ? { requested_connection_scope: link.connectionScope }
      : {}),
  };
}

/**
 * The `max_age` of a login's parameters, in seconds: a non-negative integer, or a string of one as
 * it would be sent. Anything else is refused now rather than sent and then unverifiable.
 */
function maxAgeOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = wholeSeconds(value);
  if (seconds === undefined) {
    throw new InvalidArgumentError('max_age', 'max_age must be a whole number of seconds.');
  }
  return seconds;
}
