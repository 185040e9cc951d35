import { authCookieDefaults } from '../cookies/cookie-jar.js';
import { Sealer } from '../cookies/sealer.js';
import type { CookieStoreOptions, TransactionData, TransactionStore } from './types.js';

/** Options of {@link CookieTransactionStore}. */
export interface CookieTransactionStoreOptions {
  /** App secrets (first seals, all unseal). */
  secrets: readonly string[];
  /** Mark cookies `Secure`; true when the app is served over https. */
  secure: boolean;
  /** Cookie name prefix; each transaction is `<prefix>.<state>`. Default `gatehouse.tx`. */
  cookiePrefix?: string;
  /**
   * Most transactions kept at once; starting one more drops the oldest. Bounds what abandoned
   * logins leave behind. Default 5.
   */
  maxTransactions?: number;
}

const STATE_PATTERN = /^[\w-]{1,128}$/;

/**
 * Login transactions in sealed cookies, one cookie per attempt keyed by `state`, so logins started
 * in two tabs both complete.
 */
export class CookieTransactionStore implements TransactionStore<CookieStoreOptions> {
  readonly #sealer: Sealer;
  readonly #prefix: string;
  readonly #max: number;
  readonly #cookie: ReturnType<typeof authCookieDefaults>;

  constructor(options: CookieTransactionStoreOptions) {
    this.#sealer = new Sealer(options.secrets, 'transaction');
    this.#prefix = options.cookiePrefix ?? 'gatehouse.tx';
    this.#max = options.maxTransactions ?? 5;
    this.#cookie = authCookieDefaults(options.secure);
  }

  async set(transaction: TransactionData, expiresAt: number, { cookies }: CookieStoreOptions) {
    const existing = await this.#existing(cookies);
    const excess = existing.length + 1 - this.#max;
    for (const old of existing.slice(0, Math.max(0, excess))) {
      cookies.delete(old.name, this.#cookie);
    }
    const sealed = await this.#sealer.seal(transaction, expiresAt);
    const maxAge = expiresAt - Date.now() / 1000;
    cookies.set(this.#name(transaction.state), sealed, { ...this.#cookie, maxAge });
  }

  async get(state: string, { cookies }: CookieStoreOptions) {
    if (!STATE_PATTERN.test(state)) return undefined;
    const sealed = cookies.get(this.#name(state));
    const transaction = sealed ? await this.#sealer.unseal<TransactionData>(sealed) : undefined;
    // The state inside the seal must match the cookie it came from: no swapping cookies around.
    return transaction?.state === state ? transaction : undefined;
  }

  async delete(state: string, { cookies }: CookieStoreOptions) {
    if (STATE_PATTERN.test(state)) cookies.delete(this.#name(state), this.#cookie);
  }

  #name(state: string) {
    return `${this.#prefix}.${state}`;
  }

  /** This browser's live transactions, oldest first; unreadable ones count as oldest. */
  async #existing(cookies: CookieStoreOptions['cookies']) {
    const found: Array<{ name: string; createdAt: number }> = [];
    for (const [name, value] of cookies.getAll()) {
      if (!name.startsWith(`${this.#prefix}.`)) continue;
      const transaction = await this.#sealer.unseal<TransactionData>(value);
      found.push({ name, createdAt: transaction?.createdAt ?? 0 });
    }
    return found.sort((a, b) => a.createdAt - b.createdAt);
  }
}
