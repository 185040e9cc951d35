import type {
  BackchannelAuthenticationOptions,
  BackchannelRequest,
  PollOptions,
} from '../ciba/backchannel.js';
import { AccessTokenError } from '../errors.js';
import type {
  DeleteConnectedAccountOptions,
  ListConnectedAccountsOptions,
  ListConnectionsOptions,
} from '../my-account/connected-accounts.js';
import type { ConnectedAccountsPage, ConnectionsPage } from '../my-account/types.js';
import type { GrantTokens } from '../oidc/grant.js';
import type {
  GetAccessTokenForConnectionOptions,
  GetAccessTokenOptions,
  ServerClient,
} from '../server-client.js';
import type { ConnectionTokenSet, Session, TokenSet, UserClaims } from '../session/model.js';
import type { CookieStoreOptions } from '../stores/types.js';

/** A method's options without `storeOptions`: the request-bound object supplies them. */
export type WithoutStoreOptions<T> = Omit<T, 'storeOptions'>;

/**
 * The `ServerClient` bound to one request, as frameworks expose it (`req.auth` in Express,
 * `request.auth` in Fastify): the same methods, without `storeOptions`.
 *
 * @example
 * app.get('/orders', requiresAuth(), async (req, res) => {
 *   const { accessToken } = await req.auth.getAccessToken({ audience: 'https://api.example.com' });
 *   res.json(await callApi(accessToken));
 * });
 */
export class RequestAuth {
  readonly #client: ServerClient;
  readonly #storeOptions: CookieStoreOptions;

  constructor(client: ServerClient, storeOptions: CookieStoreOptions) {
    this.#client = client;
    this.#storeOptions = storeOptions;
  }

  /** The signed-in user's claims, or undefined. */
  getUser(): Promise<UserClaims | undefined> {
    return this.#client.getUser({ storeOptions: this.#storeOptions });
  }

  /** The session (tokens included), or undefined. */
  getSession(): Promise<Session | undefined> {
    return this.#client.getSession({ storeOptions: this.#storeOptions });
  }

  /**
   * Whether the request has a live session. Errors (a store outage) are thrown, never turned into
   * a yes.
   */
  async isAuthenticated(): Promise<boolean> {
    return (await this.getUser()) !== undefined;
  }

  /**
   * Signs the current user out everywhere in this app: every session of theirs, on every device
   * and instance (this one included). Resolves to how many server sessions were deleted.
   */
  async logoutEverywhere(): Promise<{ deleted: number }> {
    const user = await this.getUser();
    if (!user) throw new AccessTokenError('missing_session', 'There is no session to sign out.');
    return this.#client.logoutEverywhere({ sub: user.sub });
  }

  /** An access token for an API (`audience`, `scope`, `forceRefresh`); refreshed when needed. */
  getAccessToken(
    options: WithoutStoreOptions<GetAccessTokenOptions<CookieStoreOptions>> = {},
  ): Promise<TokenSet> {
    return this.#client.getAccessToken({ ...options, storeOptions: this.#storeOptions });
  }

  /** An upstream provider's token through Token Vault (`connection`, `loginHint`). */
  getAccessTokenForConnection(
    options: WithoutStoreOptions<GetAccessTokenForConnectionOptions<CookieStoreOptions>>,
  ): Promise<ConnectionTokenSet> {
    return this.#client.getAccessTokenForConnection({
      ...options,
      storeOptions: this.#storeOptions,
    });
  }

  /** The user's connected accounts, a page at a time (`connection`, `take`, `from`). */
  listConnectedAccounts(
    options: WithoutStoreOptions<ListConnectedAccountsOptions<CookieStoreOptions>> = {},
  ): Promise<ConnectedAccountsPage> {
    return this.#client.listConnectedAccounts({ ...options, storeOptions: this.#storeOptions });
  }

  /** The connections the user can connect accounts for (`take`, `from`). */
  listConnectedAccountConnections(
    options: WithoutStoreOptions<ListConnectionsOptions<CookieStoreOptions>> = {},
  ): Promise<ConnectionsPage> {
    return this.#client.listConnectedAccountConnections({
      ...options,
      storeOptions: this.#storeOptions,
    });
  }

  /** Deletes one of the user's connected accounts (`connectedAccountId`). */
  deleteConnectedAccount(
    options: WithoutStoreOptions<DeleteConnectedAccountOptions<CookieStoreOptions>>,
  ): Promise<void> {
    return this.#client.deleteConnectedAccount({ ...options, storeOptions: this.#storeOptions });
  }

  /**
   * CIBA: asks the tenant to have a user (`loginHint.sub`) approve on their own device, showing
   * `bindingMessage`. Poll the request with {@link RequestAuth.backchannelAuthenticationGrant}.
   */
  initiateBackchannelAuthentication(
    options: BackchannelAuthenticationOptions,
  ): Promise<BackchannelRequest> {
    return this.#client.initiateBackchannelAuthentication({
      ...options,
      storeOptions: this.#storeOptions,
    });
  }

  /** One poll of a CIBA request: the tokens once approved, else the tenant's answer as an error. */
  backchannelAuthenticationGrant(options: { authReqId: string }): Promise<GrantTokens> {
    return this.#client.backchannelAuthenticationGrant({
      ...options,
      storeOptions: this.#storeOptions,
    });
  }

  /** CIBA that signs the approving user in, in this browser (polls until the request ends). */
  loginBackchannel(options: BackchannelAuthenticationOptions & PollOptions): Promise<Session> {
    return this.#client.loginBackchannel({ ...options, storeOptions: this.#storeOptions });
  }

  /**
   * Calls an API with the user's token for `audience` (Bearer, or DPoP with a proof), retrying
   * once for a DPoP nonce and once after a refresh; only to the audience's origins (`apiOrigins`).
   *
   * @example
   * const orders = await req.auth.fetch('https://api.example.com/orders', {}, { audience: 'https://api.example.com' });
   */
  fetch(
    input: string | URL,
    init: RequestInit = {},
    options: { audience: string; scope?: string },
  ): Promise<Response> {
    return this.#client.authenticatedFetch(input, init, {
      ...options,
      storeOptions: this.#storeOptions,
    });
  }
}
