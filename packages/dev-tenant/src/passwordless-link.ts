import type { Context } from 'koa';
import { escapeHtml, page } from './html.js';
import { refusedCodeDescription } from './passwordless-codes.js';
import type { TenantState } from './tenant-state.js';

/** The link's own parameters; every other one is an authorization parameter (`authParams`). */
const LINK_PARAMS = ['client_id', 'connection', 'email', 'verification_code'];

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

/**
 * `GET /passwordless/verify_redirect`, the magic link: `client_id`, `connection=email`, `email`,
 * `verification_code`, then the authorization parameters the app gave as `authParams`. The code
 * is checked as at the token endpoint; right, the user (created at their first login) is signed
 * in at the tenant, and the authorization request of the authParams goes on at `/authorize`, to
 * the usual redirect with a code (which the app exchanges with its PKCE verifier). The sign-in is
 * the one a session transfer token gives: the link's user without the form, once (see
 * `session-transfer.ts`). Refused, the browser goes back to the app's `redirect_uri` (one of the
 * client's) with `error=access_denied`, or, without one, to an error page.
 */
export function verifyMagicLink(state: TenantState, ctx: Context): undefined {
  const query = ctx.query;
  const clientId = text(query.client_id);
  const client = state.config.clients.find((candidate) => candidate.clientId === clientId);
  const redirectUri = text(query.redirect_uri);
  const refuse = (description: string): undefined => {
    ctx.set('Cache-Control', 'no-store');
    if (client && redirectUri && client.redirectUris.includes(redirectUri)) {
      const back = new URL(redirectUri);
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', description);
      const state = text(query.state);
      if (state) back.searchParams.set('state', state);
      ctx.redirect(back.href);
      return;
    }
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page(
      'Link refused',
      `<h1>This link cannot sign you in</h1><p class="error">${escapeHtml(description)}</p><p>Start again from the app.</p>`,
    );
  };
  const email = text(query.email);
  const code = text(query.verification_code);
  if (!client) return refuse(`unknown client ${clientId ?? '(none)'}`);
  if (query.connection !== 'email' || !email || !code) {
    return refuse('the link needs connection=email, email and verification_code');
  }
  const check = state.passwordlessCodes.check(client.clientId, 'email', email, code);
  if (check !== 'ok') return refuse(refusedCodeDescription(check, 'email'));

  const user = state.passwordlessUsers.findOrCreate('email', email);
  const { value } = state.sessionTransfers.issue({ sub: user.sub });
  const authorize = new URLSearchParams();
  for (const [name, given] of Object.entries(query)) {
    if (LINK_PARAMS.includes(name) || name === 'session_transfer_token') continue;
    if (typeof given === 'string') authorize.set(name, given);
  }
  authorize.set('client_id', client.clientId);
  authorize.set('session_transfer_token', value);
  ctx.set('Cache-Control', 'no-store');
  ctx.redirect(`/authorize?${authorize}`);
}
