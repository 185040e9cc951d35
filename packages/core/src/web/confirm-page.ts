import { escapeHtml, UNFRAMEABLE_PAGE_HEADERS } from './errors.js';
import type { WebResponse } from './response.js';
import { pathAndQuery } from './return-to.js';

/**
 * The page a logout by GET from another site gets instead of a logout: a button that POSTs to
 * the logout route from the app's own page (a same-origin request, which the route accepts). A
 * link on another site can no longer sign the user out, and a user who followed a "Sign out"
 * link from a sibling subdomain signs out with one more click. Everything interpolated is
 * escaped; the page runs no script, cannot be framed (so the button cannot be clickjacked) and is
 * never cached.
 */
export function logoutConfirmPage(action: URL, returnTo: URL, home: URL): WebResponse {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign out?</title></head>
<body><h1>Sign out?</h1>
<p>Another site asked to sign you out of this app.</p>
<form method="post" action="${escapeHtml(action.href)}">
<input type="hidden" name="returnTo" value="${escapeHtml(pathAndQuery(returnTo))}">
<button type="submit">Sign out</button>
</form>
<p><a href="${escapeHtml(home.href)}">Stay signed in</a></p></body></html>`;
  return { status: 200, headers: { ...UNFRAMEABLE_PAGE_HEADERS }, body };
}
