export { type RedisSessionErrorCode, SessionStoreUnavailableError } from './errors.js';
export { DEFAULT_KEY_PREFIX } from './keys.js';
export type { RedisSessionBackendOptions } from './options.js';
export {
  RedisLogoutRevocations,
  type RedisLogoutRevocationsOptions,
} from './redis-logout-revocations.js';
export {
  RedisLogoutTokenReplayStore,
  type RedisLogoutTokenReplayStoreOptions,
} from './redis-logout-token-replay-store.js';
export { RedisSessionBackend } from './redis-session-backend.js';
