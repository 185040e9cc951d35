import { isLogger } from '@gatehouse/base';
import { ConfigurationError } from './errors.js';
import type { ServerClientOptions } from './options.js';

type OptionName = keyof ServerClientOptions<unknown>;

/** What each option takes, where a type check is all it needs; the rest are resolved elsewhere. */
const SHAPES: Record<OptionName, readonly [describe: string, test: (value: unknown) => boolean]> = {
  domain: [
    'a host name, an https origin or a domain resolver function',
    (value) => typeof value === 'string' || typeof value === 'function',
  ],
  clientId: ['a string', (value) => typeof value === 'string'],
  clientSecret: ['a string', (value) => typeof value === 'string'],
  tokenEndpointAuthMethod: ['a string', (value) => typeof value === 'string'],
  clientAssertionSigningKey: [
    'a PKCS#8 PEM string or a KeyObject',
    (value) => typeof value === 'string' || typeof value === 'object',
  ],
  clientAssertionSigningAlg: ['a string', (value) => typeof value === 'string'],
  secret: [
    'a string or a list of strings',
    (value) => typeof value === 'string' || Array.isArray(value),
  ],
  authorizationParams: ['an object', isObject],
  idTokenSigningAlg: ['a string', (value) => typeof value === 'string'],
  idTokenTrustedAudiences: ['a list of strings', Array.isArray],
  clockTolerance: ['a number of seconds', (value) => typeof value === 'number'],
  fetchUserInfo: ['a boolean', (value) => typeof value === 'boolean'],
  organization: [
    'an org_ id or an organization name',
    (value) => typeof value === 'string' && value.trim() !== '',
  ],
  beforeSessionSaved: ['a function', (value) => typeof value === 'function'],
  mfaTokenTtl: ['a positive number of seconds', (value) => isNonNegative(value) && value > 0],
  pushedAuthorizationRequests: ['a boolean', (value) => typeof value === 'boolean'],
  transactionStore: ['a TransactionStore (get, set, delete)', hasMethods('get', 'set', 'delete')],
  stateStore: ['a StateStore (get, set, delete)', hasMethods('get', 'set', 'delete')],
  logoutRevocations: ['a LogoutRevocations (revoke, isRevoked)', hasMethods('revoke', 'isRevoked')],
  logoutTokenReplayStore: ['a ReplayStore (markUsed)', hasMethods('markUsed')],
  session: ['an object of lifetimes', isObject],
  tokenRefreshLeeway: ['a number of seconds', isNonNegative],
  httpTimeout: ['a positive number of milliseconds', (value) => isNonNegative(value) && value > 0],
  fetch: ['a fetch function', (value) => typeof value === 'function'],
  dpop: [
    'an object { privateKey }',
    (value) => isObject(value) && Object.keys(value).every((key) => key === 'privateKey'),
  ],
  apiOrigins: [
    'an object of audience → origin (or list of origins)',
    (value) =>
      isObject(value) &&
      Object.values(value).every(
        (origins) =>
          typeof origins === 'string' ||
          (Array.isArray(origins) && origins.every((origin) => typeof origin === 'string')),
      ),
  ],
  logger: ['a logger (debug, info, warn, error)', isLogger],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function hasMethods(...methods: string[]) {
  return (value: unknown) =>
    isObject(value) && methods.every((method) => typeof value[method] === 'function');
}

/** The names of every ServerClient option. */
export const SERVER_CLIENT_OPTIONS: readonly string[] = Object.keys(SHAPES);

/**
 * Throws a {@link ConfigurationError} for the first key of `options` that is not in `known`,
 * naming it and listing what `owner` takes.
 */
export function refuseUnknownOptions(
  options: Record<string, unknown>,
  known: readonly string[],
  owner: string,
): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new ConfigurationError(
        name,
        `is not an option of ${owner}; the options are ${known.join(', ')}.`,
      );
    }
  }
}

/**
 * Refuses, at construction, an options object that is not one, an option ServerClient does not
 * have (a typo such as `clientSecrets` would otherwise be ignored in silence) and an option of the
 * wrong type, each with a {@link ConfigurationError} naming the option and what it takes.
 * `undefined` counts as absent.
 */
export function checkServerClientOptions(options: unknown): void {
  if (!isObject(options)) throw new ConfigurationError('options', 'must be an object.');
  refuseUnknownOptions(options, SERVER_CLIENT_OPTIONS, 'ServerClient');
  for (const [name, value] of Object.entries(options)) {
    const [describe, test] = SHAPES[name as OptionName];
    if (value !== undefined && !test(value)) {
      throw new ConfigurationError(name, `must be ${describe}.`);
    }
  }
}
