import type { RequestHeaders } from './request.js';

/** What the credential check needs of a Node request (`IncomingMessage`, Express, Fastify's `raw`). */
export interface NodeRequestLike {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Header names and values as received, in order: `[name, value, name, value, ...]`. */
  rawHeaders: readonly string[];
}

const AUTHORIZATION = 'authorization';
const DPOP = 'dpop';

/**
 * The headers to verify a Node request with, so that a repeated `Authorization` or `DPoP` header
 * is seen as repeated. Node's parser keeps only the first `Authorization` of a request (and joins
 * repeated `DPoP` values with a comma) before any framework sees it, so two `Bearer` headers
 * looked like one: whichever came first won. Only `rawHeaders` shows the repetition. When there
 * is one, the repeated header is handed over as the list of its values, which `readCredentials`
 * refuses as RFC 6750 §3.1 asks (400 `invalid_request`; two DPoP proofs are 400
 * `invalid_dpop_proof`, RFC 9449 §4.3). Otherwise `message.headers` itself is returned: no copy.
 *
 * @example
 * guard.tryVerify({ headers: credentialHeaders(req), method: req.method, target: req.url });
 */
export function credentialHeaders(message: NodeRequestLike): RequestHeaders {
  const raw = message.rawHeaders;
  let authorizations = 0;
  let proofs = 0;
  // Names are compared by length first: most headers are skipped without lowering their case.
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length === AUTHORIZATION.length && name.toLowerCase() === AUTHORIZATION) {
      authorizations += 1;
    } else if (name.length === DPOP.length && name.toLowerCase() === DPOP) proofs += 1;
  }
  if (authorizations < 2 && proofs < 2) return message.headers;
  const headers: Record<string, string | readonly string[] | undefined> = { ...message.headers };
  if (authorizations > 1) headers[AUTHORIZATION] = valuesOf(raw, AUTHORIZATION);
  if (proofs > 1) headers[DPOP] = valuesOf(raw, DPOP);
  return headers;
}

/** Every value of a header in `rawHeaders`, in order. */
function valuesOf(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    if ((raw[index] as string).toLowerCase() === name) values.push(raw[index + 1] as string);
  }
  return values;
}
