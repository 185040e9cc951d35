/** Browsers keep at most 4096 bytes per cookie, counting its name, value and attributes. */
export const MAX_COOKIE_BYTES = 4096;

/** One cookie of a value split across several. */
export interface CookieChunk {
  name: string;
  value: string;
}

/** The name of chunk `index` of the cookie `name`. A value that fits one cookie is not chunked. */
export const chunkName = (name: string, index: number) => `${name}.${index}`;

/**
 * Splits `value` into cookies whose whole `Set-Cookie` header stays within {@link MAX_COOKIE_BYTES}.
 * `attributesLength` is the length of everything after the value (`; Path=/; HttpOnly; ...`).
 * Values are ASCII (sealed strings), so characters and bytes coincide.
 *
 * @returns the cookies to write, or undefined when more than `maxChunks` would be needed.
 */
export function chunkValue(
  name: string,
  value: string,
  attributesLength: number,
  maxChunks: number,
): CookieChunk[] | undefined {
  if (name.length + 1 + value.length + attributesLength <= MAX_COOKIE_BYTES) {
    return [{ name, value }];
  }
  // Room for the longest chunk name this split could use (e.g. "name.12=").
  const room = MAX_COOKIE_BYTES - attributesLength - (chunkName(name, maxChunks).length + 1);
  if (room <= 0) return undefined;
  const count = Math.ceil(value.length / room);
  if (count > maxChunks) return undefined;
  return Array.from({ length: count }, (_, index) => ({
    name: chunkName(name, index),
    value: value.slice(index * room, (index + 1) * room),
  }));
}

/**
 * Reassembles a value from the request's cookies: the plain cookie, or chunks `.0`, `.1`, ... in
 * order with no gap. Cookies that merely share the prefix are ignored.
 */
export function joinChunks(
  name: string,
  cookies: { get(name: string): string | undefined },
  maxChunks: number,
): string | undefined {
  const whole = cookies.get(name);
  if (whole !== undefined) return whole;
  const parts: string[] = [];
  for (let index = 0; index < maxChunks; index += 1) {
    const part = cookies.get(chunkName(name, index));
    if (part === undefined) break;
    parts.push(part);
  }
  return parts.length > 0 ? parts.join('') : undefined;
}

/** Names of the cookies that hold `name` or any of its chunks in the request. */
export function cookieNamesOf(name: string, cookies: ReadonlyMap<string, string>): string[] {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.\\d{1,3})?$`);
  return [...cookies.keys()].filter((candidate) => pattern.test(candidate));
}
