import type { Logger } from '@gatehouse/base';
import {
  AuthorizationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  MissingTransactionError,
} from '../errors.js';
import type { Tenant } from '../oidc/tenant.js';
import type { TransactionData, TransactionStore } from '../stores/types.js';

/** Which flow a callback completes: a login (`code`) or a connect (`connect_code`). */
export type CallbackFlow = 'login' | 'connect';

/** What finding a callback's transaction needs. */
export interface CallbackTransactionContext<TStoreOptions> {
  transactions: TransactionStore<TStoreOptions>;
  /**
   * The tenant a transaction was started with, undefined when it is not this client's tenant (asked
   * only once a transaction is found, so a malformed callback is refused without a discovery
   * request). With multiple custom domains, the callback completes on the transaction's domain.
   */
  tenantOf: (transaction: TransactionData) => Promise<Tenant | undefined>;
  clientId: string;
  logger?: Logger | undefined;
}

const MISSING: Record<CallbackFlow, string> = {
  login:
    'No login transaction matches this callback: it expired, was completed already, or its cookie ' +
    'was not sent back (over plain http, a Secure cookie is dropped). Start the login again.',
  connect: 'No connect transaction matches this callback. Start connecting the account again.',
};

/**
 * The one way a callback URL is read, for logins and connects alike: the URL parsed, its `state`
 * (a tenant's `error=` without one is the tenant's refusal), and the transaction of that `state`,
 * which must belong to this flow (a connect transaction carries an `authSession`), this tenant and
 * this client (SECURITY.md rule 9). The caller deletes the transaction once it is used.
 */
export async function callbackTransaction<TStoreOptions>(
  context: CallbackTransactionContext<TStoreOptions>,
  flow: CallbackFlow,
  options: { url: string | URL; storeOptions: TStoreOptions },
): Promise<{ url: URL; state: string; transaction: TransactionData; tenant: Tenant }> {
  const url = typeof options.url === 'string' ? URL.parse(options.url) : options.url;
  if (!url) throw new InvalidArgumentError('url', 'The callback URL is not a valid absolute URL.');
  const state = url.searchParams.get('state');
  if (!state) {
    const error = url.searchParams.get('error');
    if (error) {
      throw new AuthorizationError(error, url.searchParams.get('error_description') ?? undefined);
    }
    throw new MissingRequiredArgumentError('state');
  }
  const transaction = await context.transactions.get(state, options.storeOptions);
  if (!transaction) {
    context.logger?.debug(
      { reason: 'no transaction for state', flow },
      'gatehouse: callback refused',
    );
    throw new MissingTransactionError(MISSING[flow]);
  }
  const isConnect = transaction.authSession !== undefined;
  const tenant =
    isConnect === (flow === 'connect') && transaction.clientId === context.clientId
      ? await context.tenantOf(transaction)
      : undefined;
  if (!tenant) {
    context.logger?.debug(
      { reason: 'transaction of another flow', flow },
      'gatehouse: callback refused',
    );
    throw new MissingTransactionError(
      `The ${flow} transaction was started for another tenant, client or flow.`,
    );
  }
  return { url, state, transaction, tenant };
}
