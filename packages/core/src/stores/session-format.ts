import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SessionData } from '../session/model.js';

/**
 * The compact cookie-session format (version 2), the bytes a session cookie seals:
 *
 * `0x02 | flag (u8) | body`, the body raw-deflated when that is smaller (flag 1; flag 0: as it
 * is). The body, once expanded: `head length (u16, big-endian) | head | tokens`:
 *
 * - the head, JSON: `{ exp, user, domain?, data?, internal }`, everything a page that reads the
 *   user needs. It is all a read parses;
 * - the tokens, JSON `{ idToken?, refreshToken?, tokenSets, connectionTokenSets }`. A JWT is kept
 *   as its decoded header and payload JSON and its signature (`[header, payload, signature]`), so
 *   the claims it repeats from the user (and the header the tokens share) compress away; it is
 *   re-encoded to the exact same string on read.
 *
 * Decoding gives a session whose token fields decode on first use: `getUser()` never parses them.
 * Version 1 sealed the session as Iron's JSON; its plaintext starts with `{`, never with `0x02`.
 */
export const SESSION_FORMAT_VERSION = 2;

/** A JWT packed for compression: its decoded header and payload, and its signature. */
type PackedJwt = [header: string, payload: string, signature: string];

interface TokensPart {
  idToken?: string | PackedJwt;
  refreshToken?: string;
  tokenSets: Array<object & { accessToken: string | PackedJwt }>;
  connectionTokenSets: Array<object & { accessToken: string | PackedJwt }>;
}

const JSON_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The JWT as `[header, payload, signature]` when it re-encodes to the same string, else as is. */
function packJwt(token: string): string | PackedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) return token;
  const [header, payload, signature] = parts as [string, string, string];
  if (!JSON_SEGMENT.test(header) || !JSON_SEGMENT.test(payload)) return token;
  const decodedHeader = Buffer.from(header, 'base64url').toString('utf8');
  const decodedPayload = Buffer.from(payload, 'base64url').toString('utf8');
  // Only tokens whose segments are canonical base64url of valid UTF-8 come back byte for byte.
  if (
    Buffer.from(decodedHeader, 'utf8').toString('base64url') !== header ||
    Buffer.from(decodedPayload, 'utf8').toString('base64url') !== payload
  ) {
    return token;
  }
  return [decodedHeader, decodedPayload, signature];
}

function unpackJwt(token: unknown): string | undefined {
  if (typeof token === 'string') return token;
  if (!Array.isArray(token) || token.length !== 3 || !token.every((t) => typeof t === 'string'))
    return undefined;
  const [header, payload, signature] = token as PackedJwt;
  return `${Buffer.from(header, 'utf8').toString('base64url')}.${Buffer.from(payload, 'utf8').toString('base64url')}.${signature}`;
}

/** The session in the compact format, expiring at `exp` (seconds since the epoch). */
export function encodeSession(session: SessionData, exp: number): Buffer {
  const head = Buffer.from(
    JSON.stringify({
      exp: Math.floor(exp),
      user: session.user,
      domain: session.domain,
      data: session.data,
      internal: session.internal,
    }),
    'utf8',
  );
  const packSets = <T extends { accessToken: string }>(sets: readonly T[]) =>
    sets.map((set) => ({ ...set, accessToken: packJwt(set.accessToken) }));
  const tokens: TokensPart = {
    ...(session.idToken !== undefined && { idToken: packJwt(session.idToken) }),
    ...(session.refreshToken !== undefined && { refreshToken: session.refreshToken }),
    tokenSets: packSets(session.tokenSets),
    connectionTokenSets: packSets(session.connectionTokenSets),
  };
  if (head.length > 0xffff) throw new RangeError('session head too large');
  const body = Buffer.concat([
    Buffer.from([head.length >> 8, head.length & 0xff]),
    head,
    Buffer.from(JSON.stringify(tokens), 'utf8'),
  ]);
  // Compression when it pays (it nearly always does: JSON, and claims the tokens repeat).
  const deflated = deflateRawSync(body, { level: 9 });
  const compressed = deflated.length < body.length;
  return Buffer.concat([
    Buffer.from([SESSION_FORMAT_VERSION, compressed ? 1 : 0]),
    compressed ? deflated : body,
  ]);
}

/**
 * The body of a compact session (see the format above), expanded; undefined when malformed. What
 * {@link decodeSession} reads, and what a cache of opened sessions keeps.
 */
export function expandSession(bytes: Buffer): Buffer | undefined {
  if (bytes.length < 3 || !isCompactSession(bytes)) return undefined;
  if (bytes[1] === 0) return bytes.subarray(2);
  if (bytes[1] !== 1) return undefined;
  try {
    // Bounded: a session cookie is at most 64 KB sealed.
    return inflateRawSync(bytes.subarray(2), { maxOutputLength: 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** What {@link decodeSession} found: the session and the expiry it was sealed with. */
export interface DecodedSession {
  session: SessionData;
  exp: number;
}

/** Whether the bytes are in the compact format (version 1 is JSON text: it starts with `{`). */
export const isCompactSession = (bytes: Uint8Array): boolean => bytes[0] === SESSION_FORMAT_VERSION;

/**
 * The session an expanded body ({@link expandSession}) holds, or undefined when it is malformed.
 * Only the head is parsed; the tokens are decoded when a token field is first read.
 */
export function decodeSession(body: Buffer): DecodedSession | undefined {
  if (body.length < 2) return undefined;
  const headEnd = 2 + (((body[0] as number) << 8) | (body[1] as number));
  if (body.length < headEnd) return undefined;
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(body.toString('utf8', 2, headEnd));
  } catch {
    return undefined;
  }
  if (typeof head !== 'object' || head === null || typeof head.exp !== 'number') return undefined;
  let tokens: TokensPart | undefined;
  const decodeTokens = (): TokensPart => {
    if (tokens) return tokens;
    tokens = { tokenSets: [], connectionTokenSets: [] };
    try {
      const parsed = JSON.parse(body.toString('utf8', headEnd)) as Partial<TokensPart>;
      const unpackSets = (sets: unknown) =>
        Array.isArray(sets)
          ? sets.map((set) => ({ ...set, accessToken: unpackJwt(set?.accessToken) }))
          : [];
      tokens = {
        tokenSets: unpackSets(parsed.tokenSets),
        connectionTokenSets: unpackSets(parsed.connectionTokenSets),
        ...(parsed.idToken !== undefined && { idToken: unpackJwt(parsed.idToken) }),
        ...(typeof parsed.refreshToken === 'string' && { refreshToken: parsed.refreshToken }),
      } as TokensPart;
    } catch {
      // Sealed by us, so only a faulty writer gets here: the session keeps no tokens.
    }
    return tokens;
  };
  if (!isSessionHead(head)) return undefined;
  // Token fields are accessors in the literal (one object shape, no per-field `defineProperty`);
  // the first read or write of one turns it into a plain data property.
  const settle = (target: object, field: string, value: unknown) => {
    Object.defineProperty(target, field, {
      value,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return value;
  };
  const session = {
    user: head.user,
    internal: head.internal,
    get idToken() {
      return settle(this, 'idToken', decodeTokens().idToken);
    },
    set idToken(value) {
      settle(this, 'idToken', value);
    },
    get refreshToken() {
      return settle(this, 'refreshToken', decodeTokens().refreshToken);
    },
    set refreshToken(value) {
      settle(this, 'refreshToken', value);
    },
    get tokenSets() {
      return settle(this, 'tokenSets', decodeTokens().tokenSets);
    },
    set tokenSets(value) {
      settle(this, 'tokenSets', value);
    },
    get connectionTokenSets() {
      return settle(this, 'connectionTokenSets', decodeTokens().connectionTokenSets);
    },
    set connectionTokenSets(value) {
      settle(this, 'connectionTokenSets', value);
    },
  } as SessionData;
  if (head.domain !== undefined) session.domain = head.domain as string;
  if (head.data !== undefined) session.data = head.data as Record<string, unknown>;
  return { session, exp: head.exp as number };
}

/** {@link isSessionData} on the head alone: the tokens are only read when decoded. */
function isSessionHead(head: Record<string, unknown>): boolean {
  const user = head.user as { sub?: unknown } | null | undefined;
  const internal = head.internal as Record<string, unknown> | null | undefined;
  return (
    typeof user === 'object' &&
    user !== null &&
    typeof user.sub === 'string' &&
    (head.domain === undefined || typeof head.domain === 'string') &&
    typeof internal === 'object' &&
    internal !== null &&
    typeof internal.sid === 'string' &&
    typeof internal.createdAt === 'number' &&
    typeof internal.updatedAt === 'number'
  );
}
