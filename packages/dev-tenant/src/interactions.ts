import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { readFormBody } from './body.js';
import { escapeHtml, page } from './html.js';
import { invitedEmail, ORGANIZATION_PROMPT, organizationStep } from './organization-login.js';
import { requestedOrganization } from './organizations.js';
import type { TenantState } from './tenant-state.js';

const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/login)?$/;

function loginForm(uid: string, clientId: string, email: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
     <p class="hint">to continue to <strong>${escapeHtml(clientId)}</strong></p>
     ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
     <form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
       <label for="username">Email</label>
       <input id="username" name="username" type="email" value="${escapeHtml(email)}" required autofocus>
       <label for="password">Password</label>
       <input id="password" name="password" type="password" required>
       <button type="submit">Continue</button>
     </form>
     <p class="hint">Gatehouse dev tenant: local development only.</p>`,
  );
}

/**
 * Grants everything the client asked for. The dev tenant's clients are first-party applications,
 * which Auth0 lets skip the consent screen. The grant is recorded as given for the organization
 * the request names, if any.
 */
async function grantRequestedAccess(
  state: TenantState,
  provider: Provider,
  ctx: KoaContextWithOIDC,
): Promise<string> {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id as string;
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
    : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  state.organizations.bindGrant(
    grantId,
    requestedOrganization(state.organizations, details.params),
  );
  return provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

/**
 * The tenant's login page and the consent step, at `/interaction/:uid`. oidc-provider sends the
 * browser here whenever the authorization request needs the user.
 */
export function interactions(state: TenantState): Middleware {
  return async (context, next) => {
    const ctx = context as unknown as KoaContextWithOIDC;
    const match = INTERACTION_PATH.exec(ctx.path);
    if (!match) return next();
    const provider = ctx.app as unknown as Provider;
    ctx.set('Cache-Control', 'no-store');

    const details = await provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined);
    if (!details) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page(
        'Expired',
        '<h1>This sign-in attempt has expired</h1><p>Start again from the app.</p>',
      );
      return;
    }
    const uid = match[1] as string;
    const clientId = String(details.params.client_id);

    if (ctx.method === 'GET' && !match[2]) {
      if (details.prompt.name === 'login') {
        ctx.type = 'html';
        const email = details.params.login_hint ?? invitedEmail(state, details.params) ?? '';
        ctx.body = loginForm(uid, clientId, String(email));
        return;
      }
      if (details.prompt.name === ORGANIZATION_PROMPT) {
        const result = organizationStep(state, details.params, details.session?.accountId);
        ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result));
        return;
      }
      ctx.redirect(await grantRequestedAccess(state, provider, ctx));
      return;
    }

    if (ctx.method === 'POST' && match[2]) {
      const form = await readFormBody(ctx.req);
      const email = form.get('username') ?? '';
      const user = state.config.users.find(
        (candidate) =>
          candidate.email.toLowerCase() === email.toLowerCase() &&
          candidate.password === form.get('password'),
      );
      if (!user) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginForm(uid, clientId, email, 'Wrong email or password.');
        return;
      }
      const target = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { login: { accountId: user.sub } },
        { mergeWithLastSubmission: false },
      );
      ctx.status = 303;
      ctx.redirect(target);
      return;
    }

    ctx.status = 405;
  };
}
