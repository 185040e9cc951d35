import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import {
  LINK_PROMPT,
  linkDecision,
  linkingRequested,
  linkPage,
  unlinkStep,
} from './account-linking.js';
import { readFormBody } from './body.js';
import { escapeHtml, page } from './html.js';
import { MFA_ACR, MFA_AMR, MFA_PROMPT, needsSecondFactor, secondFactorForm } from './mfa-login.js';
import { invitedEmail, ORGANIZATION_PROMPT, organizationStep } from './organization-login.js';
import { requestedOrganization } from './organizations.js';
import { sessionTransferLogin, transferredActor } from './session-transfer.js';
import type { TenantState } from './tenant-state.js';

const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/login|\/otp|\/link)?$/;

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
  // A session a session transfer token with an actor started: each of its grants carries `act`.
  const sessionUid = details.session?.uid;
  const act = transferredActor(details.lastSubmission) ?? state.delegations.ofSession(sessionUid);
  if (act) {
    state.delegations.bind(grantId, act);
    if (sessionUid) state.delegations.bindSession(sessionUid, act);
  }
  return provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Answers with an HTML page of the interaction. */
function html(ctx: KoaContextWithOIDC, body: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = body;
}

/** Goes on with the authorization: oidc-provider resumes it with `result`. */
async function finish(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  result: InteractionResults,
  mergeWithLastSubmission: boolean,
): Promise<void> {
  const target = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission,
  });
  ctx.status = 303;
  ctx.redirect(target);
}

/**
 * `GET /interaction/:uid`: the step the authorization is at. The login form (or, for a live
 * session transfer token, the login it gives, without the form), or the second factor once the
 * password was right; the second factor of a signed-in user (step-up); the
 * organization check; the account to link (an unlink is done at once); consent.
 */
async function showStep(
  state: TenantState,
  provider: Provider,
  ctx: KoaContextWithOIDC,
  uid: string,
  details: Details,
): Promise<void> {
  const { name } = details.prompt;
  const pending = state.loginChallenges.get(uid);
  if (name === 'login' && pending) return html(ctx, secondFactorForm(uid, pending));
  const transferred =
    name === 'login'
      ? sessionTransferLogin(state, details.params, details.session?.accountId)
      : undefined;
  if (transferred) return finish(provider, ctx, transferred, false);
  if (name === 'login') {
    const email = details.params.login_hint ?? invitedEmail(state, details.params) ?? '';
    return html(ctx, loginForm(uid, String(details.params.client_id), String(email)));
  }
  const sub = details.session?.accountId;
  if (name === MFA_PROMPT && sub) {
    return html(ctx, secondFactorForm(uid, state.loginChallenges.start(uid, sub)));
  }
  if (name === ORGANIZATION_PROMPT) {
    return finish(provider, ctx, organizationStep(state, details.params, sub), false);
  }
  if (name === LINK_PROMPT && sub) {
    if (linkingRequested(details.params) === 'link') {
      return html(ctx, linkPage(state, uid, details.params));
    }
    return finish(provider, ctx, unlinkStep(state, details.params, sub), false);
  }
  ctx.redirect(await grantRequestedAccess(state, provider, ctx));
}

/**
 * `POST /interaction/:uid/login`: the password. Right, it signs the user in, unless this login
 * needs a second factor: then the form asks for it first (see {@link submitCode}).
 */
async function submitPassword(
  state: TenantState,
  provider: Provider,
  ctx: KoaContextWithOIDC,
  uid: string,
  details: Details,
): Promise<void> {
  const form = await readFormBody(ctx.req);
  const email = form.get('username') ?? '';
  const user = state.config.users.find(
    (candidate) =>
      candidate.email.toLowerCase() === email.toLowerCase() &&
      candidate.password === form.get('password'),
  );
  const clientId = String(details.params.client_id);
  if (!user) return html(ctx, loginForm(uid, clientId, email, 'Wrong email or password.'), 401);
  if (needsSecondFactor(state, details.params, user.sub)) {
    state.loginChallenges.start(uid, user.sub);
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}`);
    return;
  }
  await finish(provider, ctx, { login: { accountId: user.sub } }, false);
}

/**
 * `POST /interaction/:uid/otp`: the second factor's code. Right, it signs the user in with
 * `amr: ['mfa']` and the multi-factor `acr`, at this moment (`auth_time`).
 */
async function submitCode(
  state: TenantState,
  provider: Provider,
  ctx: KoaContextWithOIDC,
  uid: string,
): Promise<void> {
  const challenge = state.loginChallenges.get(uid);
  const form = await readFormBody(ctx.req);
  const answer = state.loginChallenges.answer(uid, form.get('otp') ?? '');
  if (answer === 'ended' || !challenge) return expired(ctx, 'Too many wrong codes, or too late.');
  if (answer === 'wrong') {
    return html(ctx, secondFactorForm(uid, challenge, 'Wrong or expired code.'), 401);
  }
  const login = { accountId: answer.sub, amr: MFA_AMR, acr: MFA_ACR };
  // Merged with what this authorization already settled (an accepted invitation, say).
  await finish(provider, ctx, { login }, true);
}

/**
 * `POST /interaction/:uid/link`: the account chosen on the link page (or `deny`). Linked, the
 * authorization goes on for the signed-in (primary) user.
 */
async function submitLink(
  state: TenantState,
  provider: Provider,
  ctx: KoaContextWithOIDC,
  uid: string,
  details: Details,
): Promise<void> {
  const sub = details.session?.accountId;
  if (details.prompt.name !== LINK_PROMPT || !sub) return expired(ctx);
  const form = await readFormBody(ctx.req);
  const result = linkDecision(state, details.params, sub, form);
  if (!result)
    return html(ctx, linkPage(state, uid, details.params, 'Choose one of the accounts.'), 400);
  await finish(provider, ctx, result, true);
}

function expired(ctx: KoaContextWithOIDC, why = ''): void {
  html(
    ctx,
    page(
      'Expired',
      `<h1>This sign-in attempt has expired</h1><p>${escapeHtml(why)} Start again from the app.</p>`,
    ),
    400,
  );
}

/**
 * The tenant's login pages and the consent step, at `/interaction/:uid`. oidc-provider sends the
 * browser here whenever the authorization request needs the user. Every page is a plain form:
 * no script is needed, so the test kit's `BrowserClient` goes through them as a browser would.
 */
export function interactions(state: TenantState): Middleware {
  return async (context, next) => {
    const ctx = context as unknown as KoaContextWithOIDC;
    const match = INTERACTION_PATH.exec(ctx.path);
    if (!match) return next();
    const provider = ctx.app as unknown as Provider;
    ctx.set('Cache-Control', 'no-store');

    const details = await provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined);
    // The interaction is the one of this browser's cookie; a path naming another is refused, as
    // the pending second factors are kept by uid.
    if (!details || details.uid !== match[1]) return expired(ctx);
    const { uid } = details;
    const action = match[2];
    if (ctx.method === 'GET' && !action) return showStep(state, provider, ctx, uid, details);
    if (ctx.method === 'POST' && action === '/login') {
      return submitPassword(state, provider, ctx, uid, details);
    }
    if (ctx.method === 'POST' && action === '/otp') return submitCode(state, provider, ctx, uid);
    if (ctx.method === 'POST' && action === '/link') {
      return submitLink(state, provider, ctx, uid, details);
    }
    ctx.status = 405;
  };
}
