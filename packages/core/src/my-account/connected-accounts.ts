import * as oauth from 'oauth4webapi';
import { AuthorizationError, MissingRequiredArgumentError } from '../errors.js';
import { callbackTransaction } from '../login/callback-transaction.js';
import type { TenantDomains } from '../oidc/domains.js';
import type { TransactionData, TransactionStore } from '../stores/types.js';
import {
  type AccessTokenCredential,
  checkTake,
  MY_ACCOUNT_SCOPES,
  type MyAccountClient,
} from './my-account-client.js';
import type {
  CompleteResponse,
  ConnectedAccountsPage,
  ConnectionsPage,
  PageOptions,
} from './types.js';

/** How long a connect attempt may take between the redirect and the callback. */
const CONNECT_TRANSACTION_SECONDS = 600;

/** Options of `startConnectAccount`. */
export interface StartConnectAccountOptions<TStoreOptions> {
  /** The connection to connect an account for, e.g. `google-oauth2`. */
  connection: string;
  /** Where the browser comes back with `connect_code`. Default: `authorizationParams.redirect_uri`. */
  redirectUri?: string;
  /** Scopes to ask the upstream provider for. Default: the connection's configured scopes. */
  scopes?: string[];
  /** Anything to get back from `completeConnectAccount`, e.g. `{ returnTo }`. */
  appState?: unknown;
  /** Extra parameters for the upstream provider, e.g. `{ login_hint }`. */
  authorizationParams?: Record<string, string>;
  storeOptions: TStoreOptions;
}

/** Options of `completeConnectAccount`. */
export interface CompleteConnectAccountOptions<TStoreOptions> {
  /** The full callback URL, with `connect_code` and `state`. */
  url: string | URL;
  storeOptions: TStoreOptions;
}

/** What a completed connect yields: the connected account and the original `appState`. */
export interface CompleteConnectAccountResult extends CompleteResponse {
  appState?: unknown;
}

/** Options of `listConnectedAccounts`. */
export interface ListConnectedAccountsOptions<TStoreOptions> extends PageOptions {
  /** Only accounts of this connection. */
  connection?: string;
  storeOptions: TStoreOptions;
}

/** Options of `listConnectedAccountConnections`. */
export interface ListConnectionsOptions<TStoreOptions> extends PageOptions {
  storeOptions: TStoreOptions;
}

/** Options of `deleteConnectedAccount`. */
export interface DeleteConnectedAccountOptions<TStoreOptions> {
  connectedAccountId: string;
  storeOptions: TStoreOptions;
}

/** What the connected-accounts flow needs from the client that owns it. */
export interface ConnectedAccountsContext<TStoreOptions> {
  /** The tenant of each call (its My Account API), and of each transaction. */
  domains: TenantDomains<TStoreOptions>;
  transactions: TransactionStore<TStoreOptions>;
  clientId: string;
  defaultRedirectUri: string | undefined;
  /** A My Account API access token with this scope, through the session's refresh token (MRRT). */
  accessToken: (scope: string, storeOptions: TStoreOptions) => Promise<AccessTokenCredential>;
}

/** Whether a callback URL completes a login (`code`) or a connect (`connect_code`). */
export function callbackKind(url: URL): 'login' | 'connect' {
  return url.searchParams.has('connect_code') ? 'connect' : 'login';
}

/**
 * Connected Accounts through the My Account API: connect an upstream account (a redirect to the
 * provider's consent and back), list accounts and connections, delete an account.
 */
export class ConnectedAccounts<TStoreOptions> {
  constructor(private readonly context: ConnectedAccountsContext<TStoreOptions>) {}

  async start(options: StartConnectAccountOptions<TStoreOptions>): Promise<URL> {
    if (!options.connection) throw new MissingRequiredArgumentError('connection');
    const redirectUri = options.redirectUri ?? this.context.defaultRedirectUri;
    if (!redirectUri) throw new MissingRequiredArgumentError('redirectUri');
    const tenant = await this.context.domains.current(options.storeOptions);
    const token = await this.context.accessToken(MY_ACCOUNT_SCOPES.create, options.storeOptions);
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const response = await tenant.myAccount.connect(token, {
      connection: options.connection,
      redirect_uri: redirectUri,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(options.scopes ? { scopes: options.scopes } : {}),
      ...(options.authorizationParams ? { authorization_params: options.authorizationParams } : {}),
    });
    const createdAt = Math.floor(Date.now() / 1000);
    const transaction: TransactionData = {
      state,
      codeVerifier,
      redirectUri,
      issuer: (await tenant.metadata()).issuer,
      clientId: this.context.clientId,
      appState: options.appState,
      authSession: response.auth_session,
      connection: options.connection,
      createdAt,
    };
    await this.context.transactions.set(
      transaction,
      createdAt + CONNECT_TRANSACTION_SECONDS,
      options.storeOptions,
    );
    const url = new URL(response.connect_uri);
    url.search = new URLSearchParams({ ticket: response.connect_params.ticket }).toString();
    return url;
  }

  async complete(
    options: CompleteConnectAccountOptions<TStoreOptions>,
  ): Promise<CompleteConnectAccountResult> {
    const { domains, transactions, clientId } = this.context;
    const { url, state, transaction, tenant } = await callbackTransaction(
      { transactions, tenantOf: (started) => domains.ofTransaction(started), clientId },
      'connect',
      options,
    );
    try {
      const error = url.searchParams.get('error');
      if (error)
        throw new ConnectionRefusedError(
          error,
          url.searchParams.get('error_description') ?? undefined,
        );
      const connectCode = url.searchParams.get('connect_code');
      if (!connectCode) throw new MissingRequiredArgumentError('connect_code');
      const token = await this.context.accessToken(MY_ACCOUNT_SCOPES.create, options.storeOptions);
      const account = await tenant.myAccount.complete(token, {
        auth_session: transaction.authSession as string, // checked by callbackTransaction
        connect_code: connectCode,
        redirect_uri: transaction.redirectUri,
        code_verifier: transaction.codeVerifier,
      });
      return transaction.appState === undefined
        ? account
        : { ...account, appState: transaction.appState };
    } finally {
      await this.context.transactions.delete(state, options.storeOptions);
    }
  }

  async listAccounts(
    options: ListConnectedAccountsOptions<TStoreOptions>,
  ): Promise<ConnectedAccountsPage> {
    checkTake(options.take);
    const token = await this.context.accessToken(MY_ACCOUNT_SCOPES.read, options.storeOptions);
    return (await this.#myAccount(options.storeOptions)).listAccounts(token, options);
  }

  async listConnections(options: ListConnectionsOptions<TStoreOptions>): Promise<ConnectionsPage> {
    checkTake(options.take);
    const token = await this.context.accessToken(MY_ACCOUNT_SCOPES.read, options.storeOptions);
    return (await this.#myAccount(options.storeOptions)).listConnections(token, options);
  }

  async delete(options: DeleteConnectedAccountOptions<TStoreOptions>): Promise<void> {
    if (!options.connectedAccountId) throw new MissingRequiredArgumentError('connectedAccountId');
    const token = await this.context.accessToken(MY_ACCOUNT_SCOPES.delete, options.storeOptions);
    await (await this.#myAccount(options.storeOptions)).deleteAccount(
      token,
      options.connectedAccountId,
    );
  }
  /** The My Account API of this call's domain. */
  async #myAccount(storeOptions: TStoreOptions): Promise<MyAccountClient> {
    return (await this.context.domains.current(storeOptions)).myAccount;
  }
}

/**
 * A connect the user or the upstream provider refused (`error=` on the connect callback). An
 * {@link AuthorizationError} (same code, status and handling), whose message says that the
 * connection was refused rather than "the tenant refused the login", which the user never asked for.
 */
class ConnectionRefusedError extends AuthorizationError {
  constructor(error: string, errorDescription: string | undefined) {
    super(error, errorDescription);
    this.message = `The connection was refused: ${error}`;
  }
}
