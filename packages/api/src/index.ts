/**
 * @gatehouse/api: access-token verification for APIs protected by Auth0 (RFC 9068 JWT access
 * tokens, RFC 6750 Bearer, RFC 9449 DPoP), framework-free. Route protection for framework
 * integrations is in `@gatehouse/api/guard`.
 *
 * @example
 * import { ApiClient } from '@gatehouse/api';
 * const api = new ApiClient({ domain: 'tenant.auth0.com', audience: 'https://api.example.com' });
 * const claims = await api.verifyAccessToken({ accessToken });
 */
export {
  ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  Auth0Error,
  type ConnectionToken,
  discoveryRequest,
  FEDERATED_CONNECTION_TOKEN_TYPE,
  type Fetched,
  type IssuerMetadata,
  jwksRequest,
  type Logger,
  MemoryReplayStore,
  processDiscoveryResponse,
  processJwksResponse,
  type ReplayStore,
  /** @deprecated Use `ReplayStore`: one shape for DPoP proofs and logout tokens. */
  type ReplayStore as DpopReplayStore,
  TOKEN_VAULT_GRANT_TYPE,
} from '@gatehouse/base';
export {
  type AccessTokenForConnectionOptions,
  ApiClient,
  type ApiClientStats,
  type VerifyAccessTokenOptions,
} from './api-client.js';
export {
  buildChallenges,
  type ChallengeErrorParams,
  type ChallengeSettings,
  type DpopMode,
  type RequestScheme,
} from './challenge.js';
export { credentialHeaders, type NodeRequestLike } from './credential-headers.js';
export { normalizeHtu } from './dpop/htu.js';
export {
  createDpopNonceSource,
  type DpopNonceSource,
  type DpopNonceSourceOptions,
} from './dpop/nonce.js';
export {
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  AuthError,
  type AuthErrorCode,
  ConfigurationError,
  DomainsResolverError,
  InsufficientScopeError,
  InvalidDpopProofError,
  type InvalidDpopProofErrorCode,
  InvalidRequestError,
  KeysUnavailableError,
  MissingAuthorizationError,
  MissingRequiredArgumentError,
  type OAuthChallengeError,
  UseDpopNonceError,
  VerifyAccessTokenError,
  type VerifyAccessTokenErrorCode,
} from './errors.js';
export type { DomainsResolver, DomainsResolverContext } from './issuers.js';
export type { AccessTokenClaims } from './jwt/claims.js';
export type { ApiClientOptions, CacheOptions, ClaimValidator, DpopOptions } from './options.js';
export { refusalBody } from './refusal.js';
export type { RequestHeaders } from './request.js';
export {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadata,
  protectedResourceMetadataUrl,
  type ResourceMetadataOptions,
} from './resource-metadata.js';
export { grantedScopes, hasScopes, type ScopeMatch } from './scopes.js';
export {
  actorChain,
  type ExchangedToken,
  TOKEN_EXCHANGE_GRANT,
  TokenExchangeError,
  type TokenExchangeRequest,
} from './token-exchange.js';
export type { VerifiedRequest, VerifyRequestOptions } from './verification.js';
