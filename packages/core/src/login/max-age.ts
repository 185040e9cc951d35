/**
 * A `max_age` as it may be given (RFC 6749 / OpenID Connect Core §3.1.2.1): whole seconds, as a
 * number or a string of digits. Undefined when the value is not one; each caller says why it
 * refuses it (a configuration error at start-up, an argument error per call).
 */
export function wholeSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0
    ? seconds
    : undefined;
}
