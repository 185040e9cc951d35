export type {
  BackchannelAttempt,
  BackchannelDelivery,
  BackchannelLogoutConfig,
} from './backchannel-deliveries.js';
export {
  DEFAULT_APIS,
  DEFAULT_CLIENTS,
  DEFAULT_CONNECTIONS,
  DEFAULT_ORGANIZATIONS,
  DEFAULT_USERS,
  DEMO_CLIENT_SECRET,
  type DevApiConfig,
  type DevCibaConfig,
  type DevClientConfig,
  type DevConnectedAccountConfig,
  type DevConnectionConfig,
  type DevConnectionUserConfig,
  type DevMyAccountApiConfig,
  type DevOrganizationConfig,
  type DevPasswordlessConfig,
  type DevTenantConfig,
  type DevTokenExchangeProfileConfig,
  type DevTokenVaultConfig,
  type DevUserConfig,
  type DevUserMfaConfig,
  type DpopPolicy,
  type ExtraIdTokenClaims,
  type RefreshTokenPolicy,
  type TokenEndpointAuthMethod,
  type TokenExchangeContext,
  type TokenExchangeSubject,
} from './config.js';
export { DevTenantConfigError } from './config-check.js';
export type { ActClaim } from './delegations.js';
export type { CustomDomainOptions, DevTenantDomain } from './domain-server.js';
export { PRIMARY_CONNECTION, type UserIdentity } from './identities.js';
export { MFA_ACR } from './mfa-login.js';
export type { OutboxChannel, OutboxMessage } from './outbox.js';
export { SESSION_TRANSFER_TOKEN_TYPE, sessionTransferAudience } from './session-transfer.js';
export { type DevTenant, type StartDevTenantOptions, startDevTenant } from './start.js';
export { TOKEN_EXCHANGE_GRANT } from './token-exchange.js';
export { FEDERATED_TOKEN_TYPE, TOKEN_VAULT_GRANT } from './token-vault.js';
export { newTotpSecret } from './totp.js';
