import { randomBytes } from 'node:crypto';
import type { DevConnectionConfig, ResolvedTenantConfig } from './config.js';

/** A user's account at an upstream provider, connected through the tenant. */
export interface ConnectedAccount {
  id: string;
  sub: string;
  connection: string;
  /** Identifies the upstream account, e.g. its email. */
  loginHint: string;
  scopes: string[];
  createdAt: string;
}

/** An upstream access token the tenant issued through Token Vault. */
export interface UpstreamToken {
  accountId: string;
  sub: string;
  connection: string;
  scopes: string[];
  expiresAt: number;
}

const MAX_UPSTREAM_TOKENS = 10_000;

/**
 * The tenant's record of connected upstream accounts and of the upstream tokens it issued. The
 * upstream provider is simulated: its tokens are random strings that only this tenant's
 * `/upstream/{connection}/me` API accepts.
 */
export class ConnectedAccounts {
  readonly #accounts = new Map<string, ConnectedAccount>();
  readonly #tokens = new Map<string, UpstreamToken>();

  constructor(private readonly config: ResolvedTenantConfig) {
    for (const user of config.users) {
      for (const account of user.connectedAccounts ?? []) {
        this.connect({
          sub: user.sub,
          connection: account.connection,
          loginHint: account.loginHint ?? user.email,
          scopes: account.scopes?.split(' '),
        });
      }
    }
  }

  connection(name: string): DevConnectionConfig | undefined {
    return this.config.connections.find((connection) => connection.name === name);
  }

  /** Adds (or replaces) the account of a user at a connection for a login hint. */
  connect(input: {
    sub: string;
    connection: string;
    loginHint: string;
    scopes?: string[];
  }): ConnectedAccount {
    const connection = this.connection(input.connection);
    if (!connection) throw new RangeError(`unknown connection ${input.connection}`);
    const allowed = connection.scopes.split(' ');
    for (const existing of this.list(input.sub, input.connection)) {
      if (existing.loginHint === input.loginHint) this.#accounts.delete(existing.id);
    }
    const account: ConnectedAccount = {
      id: `cac_${randomBytes(12).toString('base64url')}`,
      sub: input.sub,
      connection: input.connection,
      loginHint: input.loginHint,
      scopes: input.scopes?.filter((scope) => allowed.includes(scope)) ?? allowed,
      createdAt: new Date().toISOString(),
    };
    this.#accounts.set(account.id, account);
    return account;
  }

  list(sub: string, connection?: string): ConnectedAccount[] {
    return [...this.#accounts.values()].filter(
      (account) =>
        account.sub === sub && (connection === undefined || account.connection === connection),
    );
  }

  /** Removes an account of this user; false when there is none. Its upstream tokens stop working. */
  delete(sub: string, id: string): boolean {
    const account = this.#accounts.get(id);
    if (!account || account.sub !== sub) return false;
    this.#accounts.delete(id);
    for (const [value, token] of this.#tokens)
      if (token.accountId === id) this.#tokens.delete(value);
    return true;
  }

  /** Issues an upstream access token for the user's account at a connection. */
  issueToken(sub: string, connection: string, loginHint?: string) {
    const account = this.list(sub, connection).find(
      (candidate) => loginHint === undefined || candidate.loginHint === loginHint,
    );
    if (!account) return undefined;
    const lifetime = this.connection(connection)?.tokenLifetime ?? 3600;
    const value = `upstream.${connection}.${randomBytes(24).toString('base64url')}`;
    if (this.#tokens.size >= MAX_UPSTREAM_TOKENS) this.#sweep(true);
    this.#tokens.set(value, {
      accountId: account.id,
      sub,
      connection,
      scopes: account.scopes,
      expiresAt: Date.now() + lifetime * 1000,
    });
    return { value, lifetime, scopes: account.scopes };
  }

  /** The upstream token behind a value, while it is valid. */
  verifyToken(value: string): UpstreamToken | undefined {
    const token = this.#tokens.get(value);
    if (!token || token.expiresAt <= Date.now()) return undefined;
    return token;
  }

  #sweep(dropOldestToo: boolean) {
    const now = Date.now();
    for (const [value, token] of this.#tokens)
      if (token.expiresAt <= now) this.#tokens.delete(value);
    if (dropOldestToo && this.#tokens.size >= MAX_UPSTREAM_TOKENS) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest !== undefined) this.#tokens.delete(oldest);
    }
  }
}
