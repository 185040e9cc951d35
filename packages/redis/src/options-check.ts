import { ConfigurationError } from '@gatehouse/core';
import type { RedisSessionBackendOptions } from './options.js';

type OptionName = keyof RedisSessionBackendOptions;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const isLogger = (value: unknown) =>
  isObject(value) &&
  ['debug', 'info', 'warn', 'error'].every((level) => typeof value[level] === 'function');

/** What each option takes; deeper checks (secret length, prefix braces, ...) come after. */
const SHAPES: Record<OptionName, readonly [describe: string, test: (value: unknown) => boolean]> = {
  client: ['an ioredis Redis or Cluster', isObject],
  url: ['a Redis URL string', (value) => typeof value === 'string'],
  redisOptions: ['an object of ioredis options', isObject],
  commandTimeout: ['a number of milliseconds', (value) => typeof value === 'number'],
  keyLayout: ["'spread' or 'single-tag'", (value) => value === 'spread' || value === 'single-tag'],
  readSingleTag: ['a boolean', (value) => typeof value === 'boolean'],
  keyPrefix: ['a string', (value) => typeof value === 'string'],
  secret: [
    'a string or a list of strings',
    (value) => typeof value === 'string' || Array.isArray(value),
  ],
  sealAtRest: ['a boolean', (value) => typeof value === 'boolean'],
  logger: ['a logger (debug, info, warn, error)', (value) => isLogger(value)],
};

const NAMES = Object.keys(SHAPES);

/**
 * Refuses, naming the option, a key `RedisSessionBackend` does not take (a typo would otherwise
 * silently keep a default, such as the key layout) and a value of the wrong type. `undefined`
 * counts as absent.
 */
export function checkBackendOptions(
  options: unknown,
): asserts options is RedisSessionBackendOptions {
  if (!isObject(options)) {
    throw new ConfigurationError('options', 'RedisSessionBackend takes one options object.');
  }
  for (const [name, value] of Object.entries(options)) {
    const shape = SHAPES[name as OptionName];
    if (!shape) {
      throw new ConfigurationError(
        name,
        `is not an option of RedisSessionBackend; the options are ${NAMES.join(', ')}.`,
      );
    }
    if (value !== undefined && !shape[1](value)) {
      throw new ConfigurationError(name, `must be ${shape[0]}.`);
    }
  }
}
