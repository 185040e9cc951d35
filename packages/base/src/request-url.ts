const SCHEME = /^[a-z][a-z\d+.-]*:/i;

/**
 * The one way a request's URL is built: on an origin the app configured, from the path and query
 * of the request target only. An absolute-form target (`GET http://evil.example/ HTTP/1.1`) or a
 * `Host` / `X-Forwarded-Host` header cannot move the URL, and so neither a callback URL, a
 * `returnTo` check nor a DPoP `htu` check, to another origin.
 *
 * @example
 * requestUrl(new URL('https://app.example.com'), '/orders?page=2').href
 * // 'https://app.example.com/orders?page=2'
 */
export function requestUrl(base: URL, target: string): URL {
  let pathAndQuery = target;
  if (SCHEME.test(target)) {
    const absolute = URL.parse(target);
    pathAndQuery = absolute ? `${absolute.pathname}${absolute.search}` : '/';
  }
  if (!pathAndQuery.startsWith('/')) pathAndQuery = `/${pathAndQuery}`;
  // Concatenating to the origin keeps `//evil.example/x` a path of the app, not a host.
  return URL.parse(`${base.origin}${pathAndQuery}`) ?? new URL('/', base.origin);
}
