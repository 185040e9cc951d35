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
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v) => typeof v === 'string'));
  }
  return values;
}

/** `auth-scheme 1*SP token68` (RFC 9110 §11.4; RFC 6750 §2.1 `b64token`). */
const CREDENTIALS = /^([!#$%&'*+.^_`|~\w-]+) +([\w.~+/-]+=*)$/;
const SCHEME = /^([!#$%&'*+.^_`|~\w-]+)(?: |$)/;

/**
 * Reads the access token from `Authorization` (RFC 6750 §2.1, RFC 9449 §7.1). Only the header is
 * read: tokens in query strings leak into logs (RFC 6750 §2.3 "SHOULD NOT").
 *
 * - no header, or another scheme (e.g. Basic): {@link MissingAuthorizationError}, 401 with no
 *   error, as RFC 6750 §3.1 asks for a request without our kind of credentials;
 * - a Bearer or DPoP header that is malformed, repeated, or a DPoP proof without any token:
 *   {@link InvalidRequestError}, 400.
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
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop') throw new MissingAuthorizationError();
  const match = CREDENTIALS.exec(value);
  if (!match) {
    throw new InvalidRequestError('invalid_request', {
      message: `The ${scheme === 'dpop' ? 'DPoP' : 'Bearer'} Authorization header is malformed`,
    });
  }
  return { scheme, token: match[2] as string, proofs };
}
