import { CookieStateStore } from './cookie-state-store.js';
import { CookieTransactionStore } from './cookie-transaction-store.js';
import { ServerStateStore } from './server-state-store.js';
import type { SessionBackend } from './types.js';

/**
 * The one rule for the `Secure` flag of auth cookies (SECURITY.md rule 7): set, unless the app is
 * served over plain http (local development), where a browser would drop a `Secure` cookie and
 * every login would fail with a missing transaction.
 *
 * @param appUrl The app's base URL or its callback URL; unknown means Secure.
 */
export function secureCookiesFor(appUrl: string | URL | undefined): boolean {
  if (appUrl === undefined) return true;
  return !String(appUrl).toLowerCase().startsWith('http:');
}

/** What the default stores are made of. */
export interface DefaultStoresOptions {
  secrets: string[];
  secure: boolean;
  /** Sessions on a backend (only a sealed id in the cookie); default: the whole session in cookies. */
  backend?: SessionBackend | undefined;
  /** The session cookie's name; default per store. */
  cookieName?: string | undefined;
}

/**
 * The stores a client uses unless told otherwise: login transactions in sealed cookies, and the
 * session in sealed cookies or, with a backend, on the server with its id in a sealed cookie.
 */
export function defaultStores(options: DefaultStoresOptions): {
  transactionStore: CookieTransactionStore;
  stateStore: CookieStateStore | ServerStateStore;
} {
  const { secrets, secure, backend, cookieName } = options;
  return {
    transactionStore: new CookieTransactionStore({ secrets, secure }),
    stateStore: backend
      ? new ServerStateStore({ secrets, secure, backend, cookieName })
      : new CookieStateStore({ secrets, secure, cookieName }),
  };
}
