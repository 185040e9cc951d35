/**
 * @gatehouse/base: the vocabulary `@gatehouse/core` (web apps) and `@gatehouse/api` (APIs) share,
 * so each rule exists once: the error family, the logger, the clock, the tenant-address rule, the
 * HTTP client rules (https only, no redirects, timeout, size cap), the JWKS key cache (rotation,
 * cooldown, negative cache, stale-if-error), JWS parsing and signature checks, replay stores and
 * Auth0 Token Vault. Apps import from `@gatehouse/core` or `@gatehouse/api`, which re-export what
 * users need; this package is for those two and for integrations built on them.
 */
export { CachedDocument, type FreshnessPolicy } from './cache/cached-document.js';
export { LruCache } from './cache/lru.js';
export { type Clock, secondsOf, systemClock } from './clock.js';
export { type ErrorMode, errorModeOf } from './error-mode.js';
export {
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  Auth0Error,
  type Auth0ErrorOptions,
  ConfigurationError,
  InvalidArgumentError,
  KeysUnavailableError,
  MissingRequiredArgumentError,
  UnknownKeyError,
} from './errors.js';
export {
  cacheControlMaxAge,
  expectOk,
  fetchableUrl,
  HttpError,
  type HttpPolicy,
  readJsonObject,
  send,
} from './http.js';
export {
  discoveryRequest,
  type Fetched,
  type IssuerMetadata,
  issuerMetadataOf,
  jwksRequest,
  processDiscoveryResponse,
  processJwksResponse,
} from './jwks/documents.js';
export {
  DEFAULT_KEY_POLICY,
  IssuerKeys,
  type KeyContext,
  type KeyPolicy,
  KeyStore,
} from './jwks/issuer-keys.js';
export { KeySet } from './jwks/key-set.js';
export {
  ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  isAsymmetricAlgorithm,
  verifySignature,
} from './jwt/algorithms.js';
export { importPublicJwk, keyFitsAlgorithm, type PublicKey } from './jwt/jwk.js';
export {
  decodeBase64url,
  decodeJsonSegment,
  type JsonObject,
  type JwsParseFailure,
  type JwsSegments,
  type ParsedJws,
  parseCompactJws,
  splitCompactJws,
} from './jwt/parse.js';
export { isLogger, type Logger } from './logger.js';
export { isInOrganization, isOrganizationId } from './organization.js';
export {
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './replay-store.js';
export { requestUrl } from './request-url.js';
export {
  configuredTenantAddress,
  isSecureOrLoopback,
  issuerOfDomain,
  parseTenantAddress,
  type TenantAddress,
} from './tenant-address.js';
export {
  ACCESS_TOKEN_TYPE,
  type ClientAuthentication,
  type ConnectionToken,
  type ConnectionTokenExchange,
  clientSecretBasic,
  connectionTokenRequest,
  FEDERATED_CONNECTION_TOKEN_TYPE,
  processConnectionTokenResponse,
  REFRESH_TOKEN_TYPE,
  TOKEN_VAULT_GRANT_TYPE,
  type TokenEndpointClient,
  tokenEndpointRequest,
} from './token-vault.js';
