import type { Logger, ReplayStore } from '@gatehouse/base';
import { nowSeconds } from '../clock.js';
import type { Sessions } from '../stores/sessions.js';
import type { TenantDomains } from './domains.js';
import { verifyLogoutToken } from './logout-token.js';

/** What back-channel logout needs from the client that owns it. */
export interface BackchannelLogoutsContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  clientId: string;
  sessions: Sessions<TStoreOptions>;
  /** Where used logout tokens are remembered, so each is accepted once. */
  replay: ReplayStore;
  logger: Logger | undefined;
}

/**
 * OpenID Connect Back-Channel Logout: a logout token from the tenant, verified with the keys and
 * issuer of the domain it was posted to, ends the sessions it names.
 */
export class BackchannelLogouts<TStoreOptions> {
  constructor(private readonly context: BackchannelLogoutsContext<TStoreOptions>) {}

  async handle(logoutToken: string, storeOptions: TStoreOptions | undefined): Promise<void> {
    const { domains, clientId, sessions, replay, logger } = this.context;
    // With multiple custom domains, the token must come from the domain resolved for the request
    // it was posted to (verified with that domain's keys and issuer).
    const tenant = await domains.current(storeOptions);
    const as = await tenant.metadata();
    const { selector, jti } = await verifyLogoutToken(
      { issuer: as.issuer, clientId, keys: tenant.keys, replay },
      logoutToken,
    );
    let deleted: number;
    try {
      deleted = await sessions.endByLogout(selector);
    } catch (error) {
      // The logout did not happen (a store outage): the tenant may deliver the token again, and
      // that delivery must not be refused as a replay. Forgetting can fail too; the error the
      // caller sees is the store's, either way.
      try {
        await replay.forget?.(jti);
      } catch {
        // The store's error below is the one to report.
      }
      throw error;
    }
    logger?.info(
      { deleted, bySid: selector.sid !== undefined, at: nowSeconds() },
      'gatehouse: back-channel logout',
    );
  }
}
