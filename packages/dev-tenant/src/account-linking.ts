import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import type { DevConnectionConfig } from './config.js';
import { escapeHtml, page } from './html.js';
import { oidcProvider } from './oidc-provider.js';
import type { TenantState } from './tenant-state.js';

/** The name of the interaction prompt that links (or unlinks) an account, and of its result. */
export const LINK_PROMPT = 'link_account';

const LINK_SCOPE = 'link_account';
const UNLINK_SCOPE = 'unlink_account';

const words = (value: unknown) =>
  (typeof value === 'string' ? value : '').split(' ').filter(Boolean);

/** What an authorization asks of account linking, from its `scope`: `link`, `unlink` or nothing. */
export function linkingRequested(params: Record<string, unknown>): 'link' | 'unlink' | undefined {
  const scopes = words(params.scope);
  if (scopes.includes(LINK_SCOPE)) return 'link';
  if (scopes.includes(UNLINK_SCOPE)) return 'unlink';
  return undefined;
}

const invalidRequest = (description: string) =>
  new (oidcProvider().errors.InvalidRequest)(description);

type Validator = (ctx: KoaContextWithOIDC, value: string | undefined) => void;

/**
 * oidc-provider's `extraParams` for account linking, checked once the client and its
 * `redirect_uri` are known, so a wrong request is sent back to the app with
 * `error=invalid_request`. A link or unlink (`scope` with `link_account` or `unlink_account`)
 * needs an `id_token_hint` (oidc-provider has checked its signature, its issuer and that it was
 * issued to this client; here, that it has not expired and names a user) and a
 * `requested_connection` the tenant has; a link, one with accounts to link.
 */
export function linkingParams(state: TenantState): Record<string, Validator> {
  return {
    requested_connection(ctx, value) {
      const params = ctx.oidc.params ?? {};
      const requested = linkingRequested(params);
      if (!requested) return;
      if (params.id_token_hint === undefined) {
        throw invalidRequest(`id_token_hint is required to ${requested} accounts`);
      }
      const hint = ctx.oidc.entities.IdTokenHint as { payload?: { exp?: number; sub?: string } };
      const { exp = 0, sub } = hint?.payload ?? {};
      if (exp * 1000 <= Date.now()) throw invalidRequest('id_token_hint is expired');
      if (!state.config.users.some((user) => user.sub === sub)) {
        throw invalidRequest('id_token_hint names no user of this tenant');
      }
      if (!value) throw invalidRequest(`requested_connection is required to ${requested} accounts`);
      const connection = findConnection(state, value);
      if (!connection) {
        throw invalidRequest(`parameter requested_connection is invalid: no connection ${value}`);
      }
      if (requested === 'link' && !connection.users?.length) {
        throw invalidRequest(`connection ${value} has no accounts to link`);
      }
    },
    // Auth0's SDKs send it (the scopes to ask the provider for); the simulated one grants its own.
    requested_connection_scope() {},
  };
}

function findConnection(state: TenantState, name: unknown): DevConnectionConfig | undefined {
  return state.config.connections.find((connection) => connection.name === name);
}

/**
 * The interaction prompt of a link or unlink, after the login (which the `id_token_hint` check
 * of oidc-provider makes the hint's user's) and before consent.
 */
export function linkPrompt() {
  const { Check, Prompt } = oidcProvider().interactionPolicy;
  return new Prompt(
    { name: LINK_PROMPT, requestable: false },
    new Check(
      'account_linking',
      'an account is to be linked or unlinked',
      'interaction_required',
      (ctx: KoaContextWithOIDC) =>
        linkingRequested(ctx.oidc.params ?? {}) && !ctx.oidc.result?.[LINK_PROMPT]
          ? Check.REQUEST_PROMPT
          : Check.NO_NEED_TO_PROMPT,
    ),
  );
}

/**
 * An unlink, done at once: the user's identity of the connection is removed. A user without one
 * is sent back with `error=invalid_request`.
 */
export function unlinkStep(
  state: TenantState,
  params: Record<string, unknown>,
  sub: string,
): InteractionResults {
  const connection = String(params.requested_connection);
  if (!state.identities.unlink(sub, connection)) {
    return {
      error: 'invalid_request',
      error_description: `user ${sub} has no ${connection} identity to unlink`,
    };
  }
  return { [LINK_PROMPT]: { unlinked: connection } };
}

/**
 * The simulated provider's page of a link: one button per account of the connection (a form
 * posting its `user_id` to `/interaction/{uid}/link`) and a cancel button (`deny`).
 */
export function linkPage(
  state: TenantState,
  uid: string,
  params: Record<string, unknown>,
  error?: string,
): string {
  const connection = findConnection(state, params.requested_connection);
  const name = connection?.name ?? '';
  const action = `/interaction/${escapeHtml(uid)}/link`;
  const accounts = (connection?.users ?? [])
    .map(
      (account) => `<form method="post" action="${action}">
         <input type="hidden" name="user_id" value="${escapeHtml(account.user_id)}">
         <button type="submit">Continue as ${escapeHtml(account.email)}</button>
       </form>`,
    )
    .join('');
  return page(
    'Link account',
    `<h1>Link your ${escapeHtml(name)} account</h1>
     <p class="hint">Simulated ${escapeHtml(name)} sign-in. The account you choose is linked to the one you are signed in with.</p>
     ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
     ${accounts}
     <form method="post" action="${action}">
       <input type="hidden" name="deny" value="yes">
       <button type="submit">Cancel</button>
     </form>`,
  );
}

/**
 * The answer of the link page: the chosen account linked to the signed-in user, or the app told
 * `error=access_denied` (cancelled, or the account is linked to another user). `undefined`: an
 * account the connection does not have; the page is shown again.
 */
export function linkDecision(
  state: TenantState,
  params: Record<string, unknown>,
  sub: string,
  form: URLSearchParams,
): InteractionResults | undefined {
  if (form.get('deny')) {
    return { error: 'access_denied', error_description: 'the user did not link the account' };
  }
  const connection = findConnection(state, params.requested_connection);
  const account = connection?.users?.find((candidate) => candidate.user_id === form.get('user_id'));
  if (!connection || !account) return undefined;
  if (!state.identities.link(sub, connection.name, account)) {
    return {
      error: 'access_denied',
      error_description: `the ${connection.name} account ${account.user_id} is linked to another user`,
    };
  }
  return { [LINK_PROMPT]: { linked: connection.name, user_id: account.user_id } };
}
