import { isSecureOrLoopback } from '@gatehouse/base';
import { nowSeconds } from '../clock.js';
import {
  CustomTokenExchangeError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
} from '../errors.js';
import { checkOrganization } from '../login/organization.js';
import type { TenantDomains } from '../oidc/domains.js';
import type { BeforeSessionSaved } from '../session/hook.js';
import type { Session } from '../session/model.js';
import { startSession } from '../session/start-session.js';
import type { Sessions } from '../stores/sessions.js';
import {
  type CustomTokenExchangeOptions,
  exchangeToken,
  REFRESH_TOKEN_TYPE,
  type TokenExchangeResult,
} from './token-exchange.js';

/** Options of `loginWithCustomTokenExchange`: an exchange whose ID token starts a session. */
export interface LoginWithCustomTokenExchangeOptions<TStoreOptions>
  extends CustomTokenExchangeOptions {
  storeOptions: TStoreOptions;
}

/** Options of `requestSessionTransferToken`. */
export interface SessionTransferOptions<TStoreOptions> {
  /** The token to trade for a session transfer token. Default: the session's refresh token. */
  subjectToken?: string;
  subjectTokenType?: string;
  actorToken?: string;
  actorTokenType?: string;
  scope?: string;
  organization?: string;
  storeOptions?: TStoreOptions;
}

/** What the exchanges need from the client that owns them. */
export interface TokenExchangesContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  sessions: Sessions<TStoreOptions>;
  beforeSessionSaved: BeforeSessionSaved | undefined;
}

/**
 * Custom token exchange (RFC 8693 with Auth0's exchange profiles): trade an external or legacy
 * token for Auth0 tokens, start a session from one, or mint a session transfer token that logs
 * the user in to another app.
 */
export class TokenExchanges<TStoreOptions> {
  constructor(private readonly context: TokenExchangesContext<TStoreOptions>) {}

  /** An exchange without a session. */
  async exchange(
    options: CustomTokenExchangeOptions & { storeOptions?: TStoreOptions },
  ): Promise<TokenExchangeResult> {
    const tenant = await this.context.domains.current(options.storeOptions);
    return exchangeToken(tenant, options, nowSeconds());
  }

  /**
   * An exchange whose ID token (checked as at login, and against `organization`) starts a brand-new
   * session, as a login would.
   */
  async login(options: LoginWithCustomTokenExchangeOptions<TStoreOptions>): Promise<Session> {
    const { domains } = this.context;
    const tenant = await domains.current(options.storeOptions);
    const scope = options.scope ?? 'openid profile email offline_access';
    const result = await exchangeToken(tenant, { ...options, scope }, nowSeconds());
    if (!result.claims || !result.idToken) {
      throw new CustomTokenExchangeError(
        'invalid_response',
        'The exchange returned no ID token to start a session with (ask for the openid scope).',
      );
    }
    checkOrganization(result.claims, options.organization);
    return startSession(
      this.context,
      {
        tokens: {
          access_token: result.accessToken,
          token_type: result.tokenType,
          expires_in: result.expiresAt - nowSeconds(),
          scope: result.scope,
          refresh_token: result.refreshToken,
          id_token: result.idToken,
        },
        idTokenClaims: result.claims,
        requested: { audience: options.audience, scope },
        domain: tenant.address.origin,
        trigger: 'token-exchange',
      },
      options.storeOptions,
    );
  }

  /**
   * A session transfer token: an exchange for the audience `urn:{domain}:session_transfer`, by
   * default of the session's refresh token. Hand it to another app's login with
   * {@link buildSessionTransferRedirect}; the tenant accepts it once.
   */
  async sessionTransferToken(
    options: SessionTransferOptions<TStoreOptions>,
  ): Promise<TokenExchangeResult> {
    const { domains, sessions } = this.context;
    const tenant = await domains.current(options.storeOptions);
    let { subjectToken, subjectTokenType } = options;
    if (subjectToken === undefined) {
      const session =
        options.storeOptions === undefined ? undefined : await sessions.peek(options.storeOptions);
      if (!session?.refreshToken) {
        throw new CustomTokenExchangeError(
          'actor_unavailable',
          'Give subjectToken, or call with the storeOptions of a session that has a refresh token.',
        );
      }
      subjectToken = session.refreshToken;
      subjectTokenType = REFRESH_TOKEN_TYPE;
    }
    const { host } = new URL(tenant.address.origin);
    return exchangeToken(
      tenant,
      {
        subjectToken,
        subjectTokenType: subjectTokenType as string,
        audience: `urn:${host}:session_transfer`,
        ...(options.scope ? { scope: options.scope } : {}),
        ...(options.actorToken ? { actorToken: options.actorToken } : {}),
        ...(options.actorTokenType ? { actorTokenType: options.actorTokenType } : {}),
        ...(options.organization !== undefined ? { organization: options.organization } : {}),
      },
      nowSeconds(),
    );
  }
}

/**
 * The URL that hands a session transfer token to another app's login route:
 * `targetLoginUrl?session_transfer_token=…` (and `organization`). The target must be an absolute
 * https URL (http only on loopback) without a fragment, as in the Python SDK.
 *
 * @example
 * res.redirect(buildSessionTransferRedirect('https://other.example.com/auth/login', token).href);
 */
export function buildSessionTransferRedirect(
  targetLoginUrl: string,
  sessionTransferToken: string,
  organization?: string,
): URL {
  if (typeof targetLoginUrl !== 'string' || targetLoginUrl.trim() === '') {
    throw new MissingRequiredArgumentError('targetLoginUrl');
  }
  if (typeof sessionTransferToken !== 'string' || sessionTransferToken.trim() === '') {
    throw new MissingRequiredArgumentError('sessionTransferToken');
  }
  const url = URL.parse(targetLoginUrl);
  if (!url)
    throw new InvalidArgumentError('targetLoginUrl', 'targetLoginUrl must be an absolute URL.');
  if (!isSecureOrLoopback(url)) {
    throw new InvalidArgumentError(
      'targetLoginUrl',
      'targetLoginUrl must use https (http only on loopback).',
    );
  }
  if (url.hash || targetLoginUrl.includes('#')) {
    throw new InvalidArgumentError('targetLoginUrl', 'targetLoginUrl must not have a fragment.');
  }
  if (
    organization !== undefined &&
    (typeof organization !== 'string' || organization.trim() === '')
  ) {
    throw new InvalidArgumentError('organization', 'organization must be an org_ id or a name.');
  }
  url.searchParams.set('session_transfer_token', sessionTransferToken);
  if (organization !== undefined) url.searchParams.set('organization', organization.trim());
  return url;
}
