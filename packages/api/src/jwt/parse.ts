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

function decodeJsonObject(segment: string): JsonObject | undefined {
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
  if (token.length > maxLength) throw fail('too_large');
  const parts = token.split('.');
  if (parts.length !== 3) throw fail('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart);
  const payload = header ? decodeJsonObject(payloadPart) : undefined;
  const signature = payload ? decodeBase64url(signaturePart) : undefined;
  if (!header || !payload || !signature) throw fail('malformed');
  return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
}
