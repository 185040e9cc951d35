import { InvalidRequestError, MissingAuthorizationError } from './errors.js';

/**
 * Request headers as frameworks hand them over: a Fetch `Headers`, or Node's `IncomingHttpHeaders`
 * (any letter case; a repeated header as an array).
 */
export type RequestHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The credentials a request carries. */
export interface Credentials {
  scheme: 'bearer' | 'dpop';
  token: string;
  /** Every `DPoP` header value, as sent. */
  proofs: string[];
}

/**
 * Every value of a header. Fetch `Headers` joins repeated headers with `, `, which the callers
 * refuse as they would two values.
 */
export function headerValues(headers: RequestHeaders, name: string): string[] {
  if (typeof (headers as Headers).get === 'function') {
    const value = (headers as Headers).get(name);
    return value === null ? [] : [value];
  }
  const record = headers as Readonly<Record<string, unknown>>;
  const values: string[] = [];
  // `for...in` with the length compared first: no array of entries per request, and most names
  // are skipped without lowering their case. Own properties only, so nothing comes from a prototype.
  for (const key in record) {
    if (key.length !== name.length || !Object.hasOwn(record, key)) continue;
    if (key !== name && key.toLowerCase() !== name) continue;
    const value = record[key];
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v) => typeof v === 'string'));
  }
  return values;
}

/** `token68` (RFC 9110 §11.4; RFC 6750 §2.1 `b64token`). */
const TOKEN68 = /^[\w.~+/-]+=*$/;

/**
 * Whether a token is well-formed `token68`. Checked only once a token has failed verification: a
 * token that verifies is base64url and dots, so a good request never pays for scanning its token
 * (a regular expression over 700 characters costs as much as the rest of a cache hit).
 */
export function isToken68(token: string): boolean {
  return TOKEN68.test(token);
}

/** The refusal of a Bearer or DPoP `Authorization` header that is not `scheme 1*SP token68`. */
export function malformedAuthorization(scheme: 'bearer' | 'dpop'): InvalidRequestError {
  return new InvalidRequestError('invalid_request', {
    message: `The ${scheme === 'dpop' ? 'DPoP' : 'Bearer'} Authorization header is malformed`,
  });
}

const SPACE = 32;

/**
 * Reads the access token from `Authorization` (RFC 6750 §2.1, RFC 9449 §7.1). Only the header is
 * read: tokens in query strings leak into logs (RFC 6750 §2.3 "SHOULD NOT").
 *
 * - no header, or another scheme (e.g. Basic): {@link MissingAuthorizationError}, 401 with no
 *   error, as RFC 6750 §3.1 asks for a request without our kind of credentials;
 * - a Bearer or DPoP header that is repeated, has no token, or a DPoP proof without any token:
 *   {@link InvalidRequestError}, 400. A token that is not `token68` gets the same 400 once it
 *   fails verification (see {@link isToken68}).
 */
export function readCredentials(headers: RequestHeaders): Credentials {
  const authorization = headerValues(headers, 'authorization');
  const proofs = headerValues(headers, 'dpop');
  if (authorization.length === 0 || authorization[0]?.trim() === '') {
    if (proofs.length > 0) {
      throw new InvalidRequestError('invalid_request', {
        message: 'A DPoP proof was sent without an Authorization header',
      });
    }
    throw new MissingAuthorizationError();
  }
  if (authorization.length > 1) {
    throw new InvalidRequestError('invalid_request', {
      message: 'More than one Authorization header',
    });
  }
  const value = (authorization[0] as string).trim();
  const space = value.indexOf(' ');
  const scheme = (space === -1 ? value : value.slice(0, space)).toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop') throw new MissingAuthorizationError();
  let start = space + 1;
  while (value.charCodeAt(start) === SPACE) start += 1;
  if (space === -1 || start === value.length) throw malformedAuthorization(scheme);
  return { scheme, token: value.slice(start), proofs };
}
