import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { issueGrantTokens } from './grant-tokens.js';
import { findApi, type TenantState } from './tenant-state.js';
import { invalidGrant, invalidRequest, tokenError } from './token-errors.js';

/** CIBA's grant at the token endpoint (poll mode). */
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/**
 * How the user signed in: they approved the request on their phone, where Auth0's Guardian app
 * signs the approval with the device's key (RFC 8176 `swk`).
 */
const CIBA_AMR = ['swk'];

/**
 * One poll of the token endpoint for an `auth_req_id` (client authenticated by oidc-provider),
 * answered as Auth0 does: 400 `authorization_pending` until the user answers, 429 `slow_down`
 * (with `Retry-After`) when polled sooner than `interval` after the previous poll, 400
 * `access_denied` after a denial, 400 `expired_token` once the request has expired, 400
 * `invalid_grant` for an unknown, used or other client's `auth_req_id`; after an approval the
 * tokens, once.
 */
async function pollBackchannel(state: TenantState, ctx: KoaContextWithOIDC): Promise<void> {
  const id = (ctx.oidc.params as Record<string, string | undefined>).auth_req_id;
  if (!id) throw invalidRequest('missing required parameter auth_req_id');
  const clientId = ctx.oidc.client?.clientId as string;
  const polled = state.backchannelRequests.poll(id, clientId);
  switch (polled.outcome) {
    case 'invalid':
      throw invalidGrant('Invalid or expired auth_req_id.');
    case 'expired':
      throw tokenError('expired_token', 'The auth_req_id has expired.');
    case 'slow_down':
      // Set here rather than thrown: oidc-provider's errors carry no headers.
      ctx.status = 429;
      ctx.set('Retry-After', String(polled.retryAfter));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        error: 'slow_down',
        error_description: `You are polling faster than allowed. Try again in ${polled.retryAfter} seconds.`,
      };
      return;
    case 'denied':
      throw tokenError('access_denied', 'The end-user denied the authorization request.');
    case 'pending':
      throw tokenError('authorization_pending', 'The end-user authorization is pending.');
  }
  const { request } = polled;
  const api = request.audience ? findApi(state, request.audience) : undefined;
  state.backchannelRequests.use(request);
  ctx.body = await issueGrantTokens(state, ctx, {
    sub: request.sub,
    api,
    organization: undefined,
    gty: CIBA_GRANT,
    amr: CIBA_AMR,
    scope: request.scope,
  });
}

/**
 * Registers CIBA's grant (`grant_type=urn:openid:params:grant-type:ciba`, `auth_req_id`) on a
 * provider, in place of oidc-provider's own: that one has no `slow_down`, and its tokens would not
 * be the tenant's (see `grant-tokens.ts`).
 */
export function registerCibaGrant(provider: Provider, state: TenantState): void {
  provider.registerGrantType(CIBA_GRANT, (ctx) => pollBackchannel(state, ctx), ['auth_req_id']);
}
