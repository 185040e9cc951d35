export {
  type CookieJar,
  type CookieOptions,
  parseCookieHeader,
  serializeCookie,
} from './cookies/cookie-jar.js';
export { NodeCookieJar } from './cookies/node-cookie-jar.js';
export { Sealer, type SealPurpose } from './cookies/sealer.js';
export {
  AccessTokenError,
  type AccessTokenErrorCode,
  AccessTokenForConnectionError,
  type AccessTokenForConnectionErrorCode,
  Auth0Error,
  type Auth0ErrorCode,
  AuthorizationError,
  ConfigurationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
  MissingTransactionError,
  OidcError,
  SessionExpiredError,
  SessionTooLargeError,
} from './errors.js';
export type {
  AuthorizationParams,
  ClientAssertionAlg,
  Logger,
  ServerClientOptions,
} from './options.js';
export { safeReturnTo } from './redirects.js';
export {
  type CompleteInteractiveLoginOptions,
  type GetAccessTokenForConnectionOptions,
  type GetAccessTokenOptions,
  type LoginResult,
  type LogoutOptions,
  ServerClient,
  type StartInteractiveLoginOptions,
  type StoreOptionsArgument,
} from './server-client.js';
export { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from './session/lifetime.js';
export {
  type ConnectionTokenSet,
  DEFAULT_AUDIENCE,
  type Session,
  type SessionData,
  type SessionInternal,
  type TokenSet,
  type UserClaims,
} from './session/model.js';
export { DEFAULT_SCOPE, type ScopeOption } from './session/scopes.js';
export { CookieStateStore, type CookieStateStoreOptions } from './stores/cookie-state-store.js';
export {
  CookieTransactionStore,
  type CookieTransactionStoreOptions,
} from './stores/cookie-transaction-store.js';
export { MemoryBackend, type MemoryBackendOptions } from './stores/memory-backend.js';
export { ServerStateStore, type ServerStateStoreOptions } from './stores/server-state-store.js';
export type {
  CookieStoreOptions,
  LogoutSelector,
  SessionBackend,
  StateStore,
  StateWriteOptions,
  TransactionData,
  TransactionStore,
} from './stores/types.js';
