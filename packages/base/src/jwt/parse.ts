/**
 * Compact JWS parsing (RFC 7515 §7.1) that refuses early and cheaply: the length is capped before
 * any decoding, and each segment must be canonical base64url (RFC 7515 §2, RFC 4648 §5: no padding,
 * no other alphabet, no stray trailing bits) holding strict UTF-8 JSON.
 */

/** A JSON object from a token: a header or a claims set. */
export type JsonObject = Record<string, unknown>;

/** A parsed, not yet verified, compact JWS. */
export interface ParsedJws {
  header: JsonObject;
  payload: JsonObject;
  /** `base64url(header) + '.' + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** Why parsing failed. */
export type JwsParseFailure = 'too_large' | 'malformed';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The 6-bit value of a base64url character already known to be in the alphabet. */
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26..51
  if (code >= 65) return code - 65; // A-Z: 0..25
  if (code >= 48) return code + 4; // 0-9: 52..61
  return code === 45 ? 62 : 63; // '-', '_'
}

/**
 * Decodes canonical base64url, or returns undefined. Node's own decoder accepts `+`, `/` and `=`,
 * skips invalid characters and ignores trailing bits, so two different strings could decode to
 * the same bytes: the alphabet is checked first, and the bits of the last character that encode
 * nothing (4 of them after 2 characters of a group, 2 after 3) must be zero (RFC 4648 §3.5). That
 * makes the mapping one-to-one without encoding the bytes again.
 */
export function decodeBase64url(value: string): Buffer | undefined {
  const partial = value.length % 4;
  if (partial === 1 || !BASE64URL.test(value)) return undefined;
  if (partial !== 0) {
    const unused = partial === 2 ? 0b1111 : 0b11;
    if ((sextet(value.charCodeAt(value.length - 1)) & unused) !== 0) return undefined;
  }
  return Buffer.from(value, 'base64url');
}

/** Decodes a segment holding a JSON object (strict UTF-8), or returns undefined. */
export function decodeJsonSegment(segment: string): JsonObject | undefined {
  const bytes = decodeBase64url(segment);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The three segments of a compact JWS, not yet decoded. */
export interface JwsSegments {
  header: string;
  payload: string;
  signature: string;
  /** `header + '.' + payload`: the bytes the signature covers, a slice of the token. */
  signingInput: string;
}

/**
 * Splits a compact JWS into its three segments without decoding them, throwing `fail(reason)` when
 * the token is over `maxLength` or has not exactly two dots.
 */
export function splitCompactJws(
  token: string,
  maxLength: number,
  fail: (reason: JwsParseFailure) => Error,
): JwsSegments {
  if (token.length > maxLength) throw fail('too_large');
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) throw fail('malformed');
  return {
    header: token.slice(0, first),
    payload: token.slice(first + 1, second),
    signature: token.slice(second + 1),
    signingInput: token.slice(0, second),
  };
}

/**
 * Splits and decodes a compact JWS, throwing `fail(reason)` on anything malformed. It checks no
 * signature and no claim.
 *
 * @example
 * const { header, payload } = parseCompactJws(token, 16_384, (reason) => new Error(reason));
 */
export function parseCompactJws(
  token: string,
  maxLength: number,
  fail: (reason: JwsParseFailure) => Error,
): ParsedJws {
  const segments = splitCompactJws(token, maxLength, fail);
  const header = decodeJsonSegment(segments.header);
  const payload = header ? decodeJsonSegment(segments.payload) : undefined;
  const signature = payload ? decodeBase64url(segments.signature) : undefined;
  if (!header || !payload || !signature) throw fail('malformed');
  return { header, payload, signingInput: segments.signingInput, signature };
}
