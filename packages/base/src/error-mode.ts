import { ConfigurationError } from './errors.js';

/**
 * How a framework integration handles a refusal (a failed login callback, a refused token):
 * `'render'` answers it itself (a page or JSON, with its status and headers); `'next'` hands it to
 * the framework's error handling (`next(err)` in Express, the error handler in Fastify), with its
 * `code`, `status` and `headers` intact.
 */
export type ErrorMode = 'render' | 'next';

/** Reads an `errors` option: a {@link ConfigurationError} for anything but the two modes. */
export function errorModeOf(value: unknown, fallback: ErrorMode, option = 'errors'): ErrorMode {
  if (value === undefined) return fallback;
  if (value !== 'render' && value !== 'next') {
    throw new ConfigurationError(option, "must be 'render' or 'next'.");
  }
  return value;
}
