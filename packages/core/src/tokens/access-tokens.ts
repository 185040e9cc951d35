import { createHash } from 'node:crypto';
import type { Logger } from '@gatehouse/base';
import { nowSeconds } from '../clock.js';
import { KeyedQueue, SingleFlight } from '../concurrency.js';
import {
  AccessTokenError,
  AccessTokenForConnectionError,
  MissingRequiredArgumentError,
} from '../errors.js';
import { mfaRequiredErrorOf } from '../mfa/mfa-required.js';
import type { MfaTokens } from '../mfa/mfa-token.js';
import type { TenantDomains } from '../oidc/domains.js';
import {
  processRefreshResponse,
  type RefreshRequest,
  refreshTokenRequest,
} from '../oidc/refresh.js';
import type { Tenant } from '../oidc/tenant.js';
import { requestConnectionToken } from '../oidc/token-vault.js';
import type { AuthorizationParams } from '../options.js';
import { type BeforeSessionSaved, shapeSession } from '../session/hook.js';
import { type ConnectionTokenSet, DEFAULT_AUDIENCE, type TokenSet } from '../session/model.js';
import { mergeScopes, scopeForAudience } from '../session/scopes.js';
import { sessionUser } from '../session/start-session.js';
import {
  applyConnectionTokenSet,
  applyTokenUpdate,
  findConnectionTokenSet,
  findTokenSet,
  type TokenUpdate,
} from '../session/token-sets.js';
import type { Sessions } from '../stores/sessions.js';

/** Options of `getAccessToken`. */
export interface GetAccessTokenOptions<TStoreOptions> {
  /** The API. Default: `authorizationParams.audience`, else the login's default audience. */
  audience?: string;
  /** Scopes needed on top of the audience's configured scopes. */
  scope?: string;
  /** Refresh even when a cached token is still valid. */
  forceRefresh?: boolean;
  storeOptions: TStoreOptions;
}

/** Options of `getAccessTokenForConnection`. */
export interface GetAccessTokenForConnectionOptions<TStoreOptions> {
  /** The upstream connection, e.g. `google-oauth2`. */
  connection: string;
  /** Which upstream account, when the user has connected several. */
  loginHint?: string;
  storeOptions: TStoreOptions;
}

/** What token retrieval needs from the client that owns it. */
export interface AccessTokensContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  params: AuthorizationParams;
  sessions: Sessions<TStoreOptions>;
  /** Seconds before expiry at which a cached token is no longer handed out. */
  leeway: number;
  /** Seals the tenant's MFA tokens into `MfaRequiredError`s. */
  mfaTokens: MfaTokens;
  /** The app's hook, run again when a refresh brings a new ID token. */
  beforeSessionSaved: BeforeSessionSaved | undefined;
  logger: Logger | undefined;
}

/** Why a session cannot get tokens on this call's domain (multiple custom domains). */
const DOMAIN_MESSAGES = {
  missing_session_domain: 'The session records no domain; the user must sign in again.',
  domain_mismatch: 'The session was created on another domain than this request’s.',
} as const;

/** A short, non-reversible name for a refresh token, to key concurrent work by session. */
function fingerprint(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url').slice(0, 22);
}

/**
 * Access tokens for APIs (refresh grant, Multi-Resource Refresh Tokens) and for upstream
 * connections (Token Vault), cached in the session.
 */
export class AccessTokens<TStoreOptions> {
  /**
   * Concurrent refreshes of one session for one audience and scope share one request; the result
   * lingers a few seconds for requests the browser sent at the same moment. Keys start with a
   * fingerprint of the session's refresh token, so sessions never share anything.
   */
  readonly #refreshes = new SingleFlight<TokenUpdate>({ lingerMs: 10_000 });
  readonly #connectionTokens = new SingleFlight<ConnectionTokenSet>({ lingerMs: 10_000 });
  /** Refreshes of one session run one at a time, so a rotated refresh token is never reused. */
  readonly #sessionQueue = new KeyedQueue();

  constructor(private readonly context: AccessTokensContext<TStoreOptions>) {}

  async get(options: GetAccessTokenOptions<TStoreOptions>): Promise<TokenSet> {
    const { storeOptions } = options;
    const { params, sessions, leeway } = this.context;
    const { session, ended } = await sessions.load(storeOptions);
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
    const tenant = await this.context.domains.ofSession(
      session,
      storeOptions,
      (code) => new AccessTokenError(code, DOMAIN_MESSAGES[code]),
    );
    const audience = options.audience ?? (params.audience as string | undefined);
    const request: RefreshRequest = {
      audience,
      audienceKey: audience ?? DEFAULT_AUDIENCE,
      scope: mergeScopes(scopeForAudience(params.scope, audience), options.scope) || undefined,
    };
    if (!options.forceRefresh) {
      const cached = findTokenSet(
        session.tokenSets,
        { audience: request.audienceKey, scope: request.scope },
        { now: nowSeconds(), leeway },
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
    let update: TokenUpdate;
    try {
      update = await this.#refreshes.run(
        `${lineage} ${request.audienceKey} ${request.scope ?? ''}`,
        () =>
          this.#sessionQueue.run(lineage, () =>
            this.#refreshAndSave(tenant, request, storeOptions),
          ),
        { fresh: options.forceRefresh === true },
      );
    } catch (error) {
      throw await this.#withMfaToken(error, tenant, request);
    }
    await sessions.saveIfChanged(storeOptions, (current) =>
      current.tokenSets.some((set) => set.accessToken === update.tokenSet.accessToken)
        ? undefined
        : applyTokenUpdate(current, update, nowSeconds()),
    );
    return update.tokenSet;
  }

  async forConnection(
    options: GetAccessTokenForConnectionOptions<TStoreOptions>,
  ): Promise<ConnectionTokenSet> {
    if (!options.connection) throw new MissingRequiredArgumentError('connection');
    const { storeOptions, connection, loginHint } = options;
    const { domains, sessions, leeway } = this.context;
    // Token Vault is deliberately not limited by the session_expiry ceiling (as in the Python SDK).
    const { session } = await sessions.load(storeOptions, { enforceCeiling: false });
    if (!session)
      throw new AccessTokenForConnectionError(
        'missing_session',
        'There is no session: the user must sign in first.',
      );
    const tenant = await domains.ofSession(
      session,
      storeOptions,
      (code) => new AccessTokenForConnectionError(code, DOMAIN_MESSAGES[code]),
    );
    const cached = findConnectionTokenSet(
      session.connectionTokenSets,
      { connection, loginHint },
      { now: nowSeconds(), leeway },
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
      () => requestConnectionToken(tenant, refreshToken, { connection, loginHint }, nowSeconds()),
    );
    await sessions.saveIfChanged(storeOptions, (current) =>
      current.connectionTokenSets.some((existing) => existing.accessToken === set.accessToken)
        ? undefined
        : applyConnectionTokenSet(current, set, nowSeconds()),
    );
    return set;
  }

  /**
   * An `mfa_required` refusal becomes an {@link MfaRequiredError} carrying the tenant's MFA token,
   * sealed with what it was for (domain, audience, scope); any other error is returned as it is.
   */
  async #withMfaToken(error: unknown, tenant: Tenant, request: RefreshRequest): Promise<unknown> {
    return (
      (await mfaRequiredErrorOf(error, this.context.mfaTokens, {
        audience: request.audience,
        scope: request.scope,
        domain: tenant.address.origin,
        createdAt: nowSeconds(),
      })) ?? error
    );
  }

  /**
   * Refreshes and saves the result. Runs in the session's queue, and re-reads the session first:
   * an earlier refresh in this request may have rotated the refresh token.
   */
  async #refreshAndSave(
    tenant: Tenant,
    request: RefreshRequest,
    storeOptions: TStoreOptions,
  ): Promise<TokenUpdate> {
    const { sessions, logger } = this.context;
    const before = await sessions.peek(storeOptions);
    if (!before?.refreshToken) {
      throw before
        ? new AccessTokenError('missing_refresh_token', 'The session has no refresh token.')
        : new AccessTokenError(
            'missing_session',
            'The session ended before the token could be refreshed.',
          );
    }
    const context = await tenant.context();
    const response = await refreshTokenRequest(context, before.refreshToken, request);
    const result = await processRefreshResponse(context, tenant, response, {
      request,
      session: { sub: before.user.sub, idToken: before.idToken },
      now: nowSeconds(),
    });
    // A session that ended while the tenant answered (a back-channel logout, say) stays ended: the
    // new tokens are neither stored into it nor handed out.
    const after = await sessions.peek(storeOptions);
    if (!after)
      throw new AccessTokenError(
        'missing_session',
        'The session ended while the token was being refreshed.',
      );
    let updated = applyTokenUpdate(after, result, nowSeconds());
    const { beforeSessionSaved } = this.context;
    if (beforeSessionSaved && result.idTokenClaims) {
      // The hook keeps the session consistent with the new ID token; a refusal ends nothing and
      // stores nothing (the session keeps its old tokens).
      const user = sessionUser(result.idTokenClaims);
      if (after.user.session_expiry !== undefined) user.session_expiry = after.user.session_expiry;
      const shaped = await shapeSession(
        beforeSessionSaved,
        { user, data: after.data ?? {} },
        { idTokenClaims: result.idTokenClaims, trigger: 'refresh' },
      );
      updated = { ...updated, user: shaped.user, data: shaped.data };
    }
    await sessions.save(updated, storeOptions);
    logger?.debug({ audience: request.audienceKey }, 'gatehouse: access token refreshed');
    return result;
  }
}
