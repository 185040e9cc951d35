import { nowSeconds } from '../clock.js';
import { BackchannelAuthenticationError } from '../errors.js';
import type { TenantDomains } from '../oidc/domains.js';
import { type GrantTokens, sessionTokensOf } from '../oidc/grant.js';
import type { AuthorizationParams } from '../options.js';
import type { BeforeSessionSaved } from '../session/hook.js';
import type { Session } from '../session/model.js';
import { loginScope } from '../session/scopes.js';
import { startSession } from '../session/start-session.js';
import type { Sessions } from '../stores/sessions.js';
import {
  awaitBackchannel,
  type BackchannelAuthenticationOptions,
  type BackchannelRequest,
  initiateBackchannel,
  type PollOptions,
  pollBackchannel,
} from './backchannel.js';

/** A call that may name the store options (they choose the domain with a domain resolver). */
type WithStore<T, TStoreOptions> = T & { storeOptions?: TStoreOptions };

/** What the CIBA calls need from the client that owns them. */
export interface BackchannelContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  params: AuthorizationParams;
  sessions: Sessions<TStoreOptions>;
  beforeSessionSaved: BeforeSessionSaved | undefined;
}

/**
 * Client-Initiated Backchannel Authentication (OpenID Connect CIBA, poll mode), as Auth0 runs it:
 * an app asks the tenant to have a user approve something on their own device (the binding
 * message says what), then polls until the user approved, denied, or the request expired.
 */
export class BackchannelAuthentication<TStoreOptions> {
  constructor(private readonly context: BackchannelContext<TStoreOptions>) {}

  async initiate(
    options: WithStore<BackchannelAuthenticationOptions, TStoreOptions>,
  ): Promise<BackchannelRequest> {
    const tenant = await this.context.domains.current(options?.storeOptions);
    return initiateBackchannel(tenant, options, this.context.params);
  }

  async grant(options: WithStore<{ authReqId: string }, TStoreOptions>): Promise<GrantTokens> {
    const tenant = await this.context.domains.current(options?.storeOptions);
    return pollBackchannel(tenant, options?.authReqId, nowSeconds());
  }

  /** Polls a started request until it ends; the tenant domain is resolved once. */
  async await(
    request: WithStore<BackchannelRequest, TStoreOptions> & PollOptions,
  ): Promise<GrantTokens> {
    const tenant = await this.context.domains.current(request.storeOptions);
    return awaitBackchannel(
      () => pollBackchannel(tenant, request.authReqId, nowSeconds()),
      request,
      request,
    );
  }

  async authenticate(
    options: WithStore<BackchannelAuthenticationOptions, TStoreOptions> & PollOptions,
  ): Promise<GrantTokens> {
    const request = await this.initiate(options);
    return this.await({ ...request, storeOptions: options.storeOptions, signal: options.signal });
  }

  /**
   * Authenticates, then signs the user who approved in: their ID token checked as at login, and a
   * session with a new id. When the browser's session is already theirs, the new tokens join it.
   */
  async login(
    options: BackchannelAuthenticationOptions & PollOptions & { storeOptions: TStoreOptions },
  ): Promise<Session> {
    const tenant = await this.context.domains.current(options.storeOptions);
    const tokens = await this.authenticate(options);
    if (!tokens.idToken || !tokens.claims) {
      throw new BackchannelAuthenticationError(
        'invalid_response',
        'The tenant returned no ID token to start a session with (ask for the openid scope).',
      );
    }
    const configured = this.context.params;
    const audience =
      options.authorizationParams?.audience ?? (configured.audience as string | undefined);
    return startSession(
      this.context,
      {
        tokens: sessionTokensOf({ ...tokens, idToken: tokens.idToken }),
        idTokenClaims: tokens.claims,
        requested: {
          audience,
          scope: loginScope(configured.scope, audience, options.authorizationParams?.scope),
        },
        domain: tenant.address.origin,
        trigger: 'backchannel',
        mergeSameUser: true,
      },
      options.storeOptions,
    );
  }
}
