/**
 * A successful token response, parted: the response without its `id_token`, for oauth4webapi to
 * check the token response's shape (RFC 6749 §5.1: `access_token`, `token_type` in any case,
 * optional `expires_in`, `scope`, `refresh_token`), and the `id_token` itself, for
 * `verifyIdToken`. So every ID token, at login and on refresh, goes through one check, ours, which
 * also verifies its signature. Anything but a 200 JSON object is passed on untouched, for
 * oauth4webapi to turn into the tenant's OAuth error or a refusal.
 */
export async function withoutIdToken(
  response: Response,
): Promise<{ response: Response; idToken: unknown }> {
  if (response.status !== 200) return { response, idToken: undefined };
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const headers = new Headers(response.headers);
  // The body is re-encoded here: its length and transfer encoding are no longer the tenant's.
  headers.delete('content-length');
  headers.delete('content-encoding');
  const rebuilt = (content: string) => new Response(content, { status: 200, headers });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { response: rebuilt(text), idToken: undefined };
  }
  const { id_token: idToken, ...rest } = body as Record<string, unknown>;
  return { response: rebuilt(JSON.stringify(rest)), idToken };
}
