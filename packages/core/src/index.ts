export {
  KeysUnavailableError,
  type Logger,
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from '@gatehouse/base';
export {
  type BackchannelAuthenticationOptions,
  type BackchannelAuthorizationParams,
  type BackchannelRequest,
  CIBA_GRANT,
  type PollOptions,
} from './ciba/backchannel.js';
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
  AuthenticatedFetchError,
  type AuthenticatedFetchErrorCode,
  AuthorizationError,
  BackchannelAuthenticationError,
  type BackchannelAuthenticationErrorCode,
  BackchannelLogoutError,
  ConfigurationError,
  CrossSiteRequestError,
  CustomTokenExchangeError,
  type CustomTokenExchangeErrorCode,
  DomainResolverError,
  DpopError,
  type DpopErrorCode,
  type IdTokenCheck,
  IdTokenValidationError,
  InvalidArgumentError,
  LinkUserMismatchError,
  type MfaErrorCode,
  MissingRequiredArgumentError,
  MissingTransactionError,
  MyAccountApiError,
  type MyAccountValidationError,
  OidcError,
  OrganizationTokenValidationError,
  PasskeyError,
  type PasskeyErrorCode,
  PasswordlessError,
  type PasswordlessErrorCode,
  PasswordlessStartError,
  PasswordlessVerifyError,
  SessionExpiredError,
  SessionRefusedError,
  SessionTooLargeError,
  SilentLoginFailedError,
  StartLinkUserError,
} from './errors.js';
export {
  buildSessionTransferRedirect,
  type LoginWithCustomTokenExchangeOptions,
  type SessionTransferOptions,
} from './exchange/exchanges.js';
export {
  ACCESS_TOKEN_TYPE,
  type CustomTokenExchangeOptions,
  ID_TOKEN_TYPE,
  REFRESH_TOKEN_TYPE,
  type TokenExchangeResult,
} from './exchange/token-exchange.js';
export {
  MfaError,
  MfaRequiredError,
  type MfaRequirements,
  MfaTokenExpiredError,
  MfaTokenInvalidError,
} from './mfa/errors.js';
export type {
  Authenticator,
  Enrollment,
  MfaChallenge,
  MfaClient,
  MfaVerifyOptions,
  MfaVerifyResult,
} from './mfa/mfa-client.js';
export {
  type CompleteConnectAccountOptions,
  type CompleteConnectAccountResult,
  callbackKind,
  type DeleteConnectedAccountOptions,
  type ListConnectedAccountsOptions,
  type ListConnectionsOptions,
  type StartConnectAccountOptions,
} from './my-account/connected-accounts.js';
export {
  type AccessTokenCredential,
  MY_ACCOUNT_SCOPES,
  MyAccountClient,
} from './my-account/my-account-client.js';
export type {
  ConnectedAccount,
  ConnectedAccountConnection,
  ConnectedAccountsPage,
  ConnectionsPage,
} from './my-account/types.js';
export {
  type DomainResolver,
  type DomainResolverContext,
  MAX_DOMAINS,
  type RequestContext,
  type RequestHeaders,
} from './oidc/domains.js';
export type { DpopOptions, DpopPrivateKey } from './oidc/dpop.js';
export type { GrantTokens } from './oidc/grant.js';
export type { IdTokenSigningAlg } from './oidc/id-token.js';
export type {
  AuthorizationParams,
  ClientAssertionAlg,
  ServerClientOptions,
  TokenEndpointAuthMethod,
} from './options.js';
export type {
  PasskeyAuthResponse,
  PasskeyChallenge,
  PasskeyLoginChallengeOptions,
  PasskeyPublicKeyOptions,
  PasskeySignupChallengeOptions,
  PasskeyUserProfile,
  SigninWithPasskeyOptions,
} from './passkeys/types.js';
export {
  PASSWORDLESS_OTP_GRANT,
  type PasswordlessClient,
  type PasswordlessEmail,
  type PasswordlessSms,
  type StartPasswordlessOptions,
  type StartPasswordlessResult,
  type VerifyPasswordlessOptions,
} from './passwordless/passwordless-client.js';
export { safeReturnTo } from './redirects.js';
export {
  type BackchannelLogoutOptions,
  type CallbackResult,
  type CompleteInteractiveLoginOptions,
  type GetAccessTokenForConnectionOptions,
  type GetAccessTokenOptions,
  type LoginResult,
  type LogoutOptions,
  ServerClient,
  type StartInteractiveLoginOptions,
  type StartLinkOptions,
  type StoreOptionsArgument,
} from './server-client.js';
export type { BeforeSessionSaved, SessionHookTrigger, SessionShape } from './session/hook.js';
export { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from './session/lifetime.js';
export {
  type ConnectionTokenSet,
  DEFAULT_AUDIENCE,
  isSessionData,
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
export {
  type LogoutRevocations,
  MemoryRevocations,
  type MemoryRevocationsOptions,
} from './stores/revocations.js';
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
export type { AuthenticatedFetchOptions } from './tokens/authenticated-fetch.js';
