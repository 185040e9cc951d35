/**
 * A pino-compatible logger: pass pino, Fastify's `request.log`, or anything with these four
 * methods. Gatehouse logs decisions at `debug` (why a session or a token was refused) and fetch
 * failures at `warn`; it never logs tokens, cookies or secrets.
 *
 * @example
 * new ApiClient({ domain, audience, logger: pino({ level: 'debug' }) });
 */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Whether `value` has the four methods of a {@link Logger}: for checking a `logger` option. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return LEVELS.every((level) => typeof candidate[level] === 'function');
}
