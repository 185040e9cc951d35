import {
  Auth0Error,
  InvalidArgumentError,
  MyAccountApiError,
  type MyAccountValidationError,
} from '../errors.js';
import type { DpopProofs } from '../oidc/dpop.js';
import { type AccessTokenCredential, sendWithToken } from '../oidc/dpop-fetch.js';

export type { AccessTokenCredential };

import type {
  CompleteRequest,
  CompleteResponse,
  ConnectedAccountsPage,
  ConnectionsPage,
  ConnectRequest,
  ConnectResponse,
  PageOptions,
} from './types.js';

/** The scopes of the My Account API's connected-accounts endpoints. */
export const MY_ACCOUNT_SCOPES = {
  create: 'create:me:connected_accounts',
  read: 'read:me:connected_accounts',
  delete: 'delete:me:connected_accounts',
} as const;

/** Checks `take`: a positive integer, when given. */
export function checkTake(take: unknown): void {
  if (take !== undefined && (typeof take !== 'number' || !Number.isInteger(take) || take < 1)) {
    throw new InvalidArgumentError('take', "The 'take' parameter must be a positive integer.");
  }
}

/**
 * A typed client of the tenant's My Account API (`https://{domain}/me/v1/...`) for connected
 * accounts. Each call takes an access token for the audience `https://{domain}/me/`.
 */
export class MyAccountClient {
  readonly #base: string;

  constructor(
    /** The tenant's origin, e.g. `https://tenant.auth0.com`. */
    origin: string,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
    /** The app's DPoP proofs, for DPoP-bound tokens. */
    private readonly dpop?: DpopProofs,
  ) {
    this.#base = `${origin}/me/v1/connected-accounts`;
  }

  /** The audience of My Account API access tokens. */
  static audienceFor(origin: string): string {
    return `${origin}/me/`;
  }

  connect(token: AccessTokenCredential, body: ConnectRequest): Promise<ConnectResponse> {
    return this.#send(token, 'POST', '/connect', 201, body);
  }

  complete(token: AccessTokenCredential, body: CompleteRequest): Promise<CompleteResponse> {
    return this.#send(token, 'POST', '/complete', 201, body);
  }

  listAccounts(
    token: AccessTokenCredential,
    options: PageOptions & { connection?: string },
  ): Promise<ConnectedAccountsPage> {
    checkTake(options.take);
    return this.#send(token, 'GET', `/accounts${query(options)}`, 200);
  }

  listConnections(token: AccessTokenCredential, options: PageOptions): Promise<ConnectionsPage> {
    checkTake(options.take);
    return this.#send(token, 'GET', `/connections${query(options)}`, 200);
  }

  async deleteAccount(token: AccessTokenCredential, connectedAccountId: string): Promise<void> {
    await this.#send(token, 'DELETE', `/accounts/${encodeURIComponent(connectedAccountId)}`, 204);
  }

  async #send<T>(
    token: AccessTokenCredential,
    method: string,
    path: string,
    expected: number,
    body?: unknown,
  ): Promise<T> {
    let response: Response;
    try {
      response = await sendWithToken(this.fetchFn, this.dpop, {
        url: new URL(`${this.#base}${path}`),
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        accessToken: token.accessToken,
        tokenType: token.tokenType,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new Auth0Error(
        'my_account_error',
        `The My Account API request failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (response.status === expected) {
      if (expected === 204) return undefined as T;
      return (await parseJson(response)) as T;
    }
    throw await problemOf(response);
  }
}

function query(options: PageOptions & { connection?: string }): string {
  const params = new URLSearchParams();
  if (options.connection) params.set('connection', options.connection);
  if (options.take !== undefined) params.set('take', String(options.take));
  if (options.from) params.set('from', options.from);
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function parseJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch (cause) {
    throw new Auth0Error(
      'my_account_error',
      `The My Account API answered ${response.status} with a body that is not JSON.`,
      { cause },
    );
  }
}

/** Turns an RFC 9457 problem into a {@link MyAccountApiError}; anything else into an Auth0Error. */
async function problemOf(response: Response): Promise<Auth0Error> {
  const body = (await response.json().catch(() => undefined)) as
    | Record<string, unknown>
    | undefined;
  if (!body || typeof body !== 'object') {
    return new Auth0Error(
      'my_account_error',
      `The My Account API answered ${response.status} without a problem document.`,
    );
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const validation = Array.isArray(body.validation_errors)
    ? (body.validation_errors as MyAccountValidationError[])
    : undefined;
  return new MyAccountApiError(
    response.status,
    text(body.title),
    text(body.type),
    text(body.detail),
    validation,
  );
}
