/**
 * @gatehouse/api: access-token verification for APIs protected by Auth0 (RFC 9068 JWT access
 * tokens, RFC 6750 Bearer, RFC 9449 DPoP), framework-free.
 *
 * @example
 * import { ApiClient } from '@gatehouse/api';
 * const api = new ApiClient({ domain: 'tenant.auth0.com', audience: 'https://api.example.com' });
 * const claims = await api.verifyAccessToken({ accessToken });
 */
export {
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
export { type DpopReplayStore, MemoryReplayStore } from './dpop/replay-store.js';
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
export {
  discoveryRequest,
  type Fetched,
  type IssuerMetadata,
  jwksRequest,
  processDiscoveryResponse,
  processJwksResponse,
} from './jwks/documents.js';
export { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from './jwt/algorithms.js';
export type { AccessTokenClaims } from './jwt/claims.js';
export type {
  ApiClientOptions,
  CacheOptions,
  ClaimValidator,
  DpopOptions,
  Logger,
} from './options.js';
export type { RequestHeaders } from './request.js';
export {
  buildProtectedResourceMetadata,
  type ProtectedResourceMetadata,
  protectedResourceMetadataUrl,
  type ResourceMetadataOptions,
} from './resource-metadata.js';
export {
  claimEqualsRequirement,
  claimIncludesRequirement,
  claimRequirement,
  type GuardedRequest,
  type GuardPass,
  RouteGuard,
  type RouteGuardOptions,
  refusalBody,
  scopesRequirement,
  type TokenRequirement,
  type VerifiedAccessToken,
} from './route-guard.js';
export { grantedScopes, hasScopes, type ScopeMatch } from './scopes.js';
export {
  type AccessTokenForConnectionOptions,
  type ClientCredentials,
  type ConnectionToken,
  connectionTokenRequest,
  FEDERATED_CONNECTION_TOKEN_TYPE,
  processConnectionTokenResponse,
  TOKEN_VAULT_GRANT_TYPE,
} from './token-vault.js';
export type { VerifiedRequest, VerifyRequestOptions } from './verify-request.js';
