/** RFC 3986 §2.3 unreserved characters: percent-encoding them changes nothing. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * The form in which a DPoP `htu` is compared with the request URL (RFC 9449 §4.3 check 9): the
 * URL without query and fragment, normalised per RFC 3986 §6.2.2 and §6.2.3 (scheme and host in
 * lower case, default port dropped, dot segments removed, percent-encodings in upper case, and
 * unreserved characters decoded). Returns undefined for anything that is not an http(s) URL.
 *
 * @example
 * normalizeHtu('HTTPS://API.example.com:443/a/%7euser?x=1'); // 'https://api.example.com/a/~user'
 */
export function normalizeHtu(value: string | URL): string | undefined {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const path = url.pathname.replace(/%[0-9a-fA-F]{2}/g, (encoded) => {
    const char = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
  return `${url.origin}${path}`;
}
