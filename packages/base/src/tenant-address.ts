import { ConfigurationError } from './errors.js';

/**
 * The one rule for where a tenant may be: `tenant.auth0.com` means `https://tenant.auth0.com/`; a
 * full origin is accepted; plain http only for loopback hosts (the local dev tenant); never a path,
 * a query, a fragment or credentials. Web apps (`@gatehouse/core`) and APIs (`@gatehouse/api`)
 * read their `domain` options through it, and every URL either fetches passes
 * {@link isSecureOrLoopback}.
 */

/** A tenant's address, normalised. */
export interface TenantAddress {
  /** e.g. `https://tenant.auth0.com` */
  origin: string;
  /** The issuer tokens name: the origin with a trailing slash, as Auth0 writes it. */
  issuer: string;
  /** Plain http to a loopback host (the local dev tenant). */
  insecure: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const HAS_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * Whether a URL uses https, or plain http to a loopback name or address (the local dev tenant):
 * the one scheme rule for everything Gatehouse fetches or advertises.
 */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}

/**
 * Reads a `domain`: the normalised address, or the reason it is refused (a sentence that
 * completes "domain …").
 *
 * @example
 * parseTenantAddress('tenant.auth0.com') // { origin: 'https://tenant.auth0.com', issuer: 'https://tenant.auth0.com/', insecure: false }
 * parseTenantAddress('http://tenant.example.com') // 'plain http is allowed only for loopback hosts …'
 */
export function parseTenantAddress(domain: unknown): TenantAddress | string {
  if (typeof domain !== 'string' || domain.trim() === '') {
    return 'is required (e.g. "tenant.auth0.com").';
  }
  const withScheme = HAS_SCHEME.test(domain) ? domain : `https://${domain}`;
  const url = URL.parse(withScheme);
  if (!url) return `"${domain}" is not a host name or origin.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https.';
  if (!isSecureOrLoopback(url)) {
    return 'plain http is allowed only for loopback hosts (the local dev tenant).';
  }
  // `?` and `#` are looked for in the text: an empty query or fragment leaves no trace in the URL.
  if (url.username || url.password || url.pathname !== '/' || /[?#]/.test(withScheme)) {
    return 'must be a host name or an origin, without path, query or credentials.';
  }
  return { origin: url.origin, issuer: `${url.origin}/`, insecure: url.protocol === 'http:' };
}

/** {@link parseTenantAddress} for an option: a refusal is a {@link ConfigurationError} naming it. */
export function configuredTenantAddress(domain: unknown, option = 'domain'): TenantAddress {
  const address = parseTenantAddress(domain);
  if (typeof address === 'string') throw new ConfigurationError(option, address);
  return address;
}

/** The issuer of a domain, or undefined when the domain is refused: for per-request resolvers. */
export function issuerOfDomain(domain: unknown): string | undefined {
  const address = parseTenantAddress(domain);
  return typeof address === 'string' ? undefined : address.issuer;
}
