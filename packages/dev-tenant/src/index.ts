export {
  DEFAULT_APIS,
  DEFAULT_CLIENTS,
  DEFAULT_USERS,
  DEMO_CLIENT_SECRET,
  type DevApiConfig,
  type DevClientConfig,
  type DevTenantConfig,
  type DevUserConfig,
  type ExtraIdTokenClaims,
  type RefreshTokenPolicy,
  type TokenEndpointAuthMethod,
} from './config.js';
export { type DevTenant, type StartDevTenantOptions, startDevTenant } from './start.js';
