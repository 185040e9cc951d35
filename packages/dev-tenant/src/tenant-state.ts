import type { BackchannelDeliveries } from './backchannel-deliveries.js';
import type { DevApiConfig, ResolvedTenantConfig } from './config.js';
import type { ConnectedAccounts } from './connected-accounts.js';
import type { SigningKeys } from './keys.js';
import type { TenantStorage } from './memory-adapter.js';

/** What the provider and its middleware share; it outlives a provider rebuilt by key rotation. */
export interface TenantState {
  /** The issuer, `http://127.0.0.1:PORT/`. */
  issuer: string;
  config: ResolvedTenantConfig;
  keys: SigningKeys;
  storage: TenantStorage;
  /** Keys that sign the tenant's own cookies; kept across rebuilds so sessions survive. */
  cookieKeys: string[];
  /** Connected upstream accounts and the upstream tokens issued for them. */
  accounts: ConnectedAccounts;
  /** Back-channel logouts sent, and redelivered when an app did not take them. */
  deliveries: BackchannelDeliveries;
}

/** Scopes of the My Account API's connected-accounts endpoints. */
export const MY_ACCOUNT_SCOPES =
  'create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts';

/** The APIs of the tenant: the configured ones and Auth0's My Account API at `{issuer}me/`. */
export function findApi(state: TenantState, identifier: string): DevApiConfig | undefined {
  if (identifier === `${state.issuer}me/`)
    return { identifier, scopes: MY_ACCOUNT_SCOPES, accessTokenLifetime: 600 };
  return state.config.apis.find((candidate) => candidate.identifier === identifier);
}
