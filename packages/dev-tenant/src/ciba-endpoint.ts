import type { Context, Middleware } from 'koa';
import { readFormBody } from './body.js';
import { authenticateClient } from './client-auth.js';
import { findApi, type TenantState } from './tenant-state.js';
import { findUser } from './users.js';

/** Auth0's path of the CIBA endpoint (oidc-provider's route name `backchannel_authentication`). */
export const BC_AUTHORIZE_PATH = '/bc-authorize';

/** Letters, digits, space and `+-_.,:#`, 1 to 64 of them: what Auth0 takes as a binding message. */
const BINDING_MESSAGE = /^[A-Za-z0-9 +\-_.,:#]{1,64}$/;

/** An answer of the endpoint: Auth0's `{ error, error_description }` and its status. */
class BackchannelError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const invalidRequest = (description: string) =>
  new BackchannelError(400, 'invalid_request', description);

/** A parameter sent at most once; `undefined` when absent or empty. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw invalidRequest(`parameter ${name} must be sent once`);
  return values[0] || undefined;
}

/**
 * The user of a `login_hint`, as Auth0 takes it: the JSON `{"format":"iss_sub","iss":"<issuer>",
 * "sub":"<user id>"}`, `iss` being the issuer of the domain asked (with its trailing slash).
 * Parsed, not compared as a string: SDKs serialise it with or without spaces.
 */
function hintedSub(loginHint: string | undefined, issuer: string): string {
  if (!loginHint) throw invalidRequest('missing required parameter login_hint');
  let hint: unknown;
  try {
    hint = JSON.parse(loginHint);
  } catch {
    throw invalidRequest('login_hint must be a JSON object');
  }
  const { format, iss, sub } = (typeof hint === 'object' && hint !== null ? hint : {}) as Record<
    string,
    unknown
  >;
  if (format !== 'iss_sub') throw invalidRequest('login_hint format must be "iss_sub"');
  if (iss !== issuer) throw invalidRequest(`login_hint iss must be ${issuer}`);
  if (typeof sub !== 'string' || !sub) throw invalidRequest('login_hint sub must be a user id');
  return sub;
}

/** `requested_expiry`: whole seconds from 1 to the tenant's `ciba.maxExpiry` (its default). */
function expiresIn(requested: string | undefined, maxExpiry: number): number {
  if (requested === undefined) return maxExpiry;
  const seconds = /^\d{1,9}$/.test(requested) ? Number(requested) : Number.NaN;
  if (!(seconds >= 1 && seconds <= maxExpiry)) {
    throw invalidRequest(
      `requested_expiry must be a whole number of seconds from 1 to ${maxExpiry}`,
    );
  }
  return seconds;
}

/**
 * `POST /bc-authorize`: a client asks that its user approve a request on their phone. Client
 * authentication as at the token endpoint, then `scope` (with `openid`), `login_hint`,
 * `binding_message`, `audience?`, `requested_expiry?`. Answers `{ auth_req_id, expires_in,
 * interval }`; the user answers on `/ciba` (see `ciba-pages.ts`), the client polls the token
 * endpoint (see `ciba-grant.ts`).
 */
async function backchannelAuthorize(state: TenantState, ctx: Context, issuer: string) {
  const params = await readFormBody(ctx.req).catch(() => {
    throw invalidRequest('the body must be a form of at most 64 KiB');
  });
  const client = await authenticateClient(
    state,
    issuer,
    {
      authorization: ctx.get('authorization'),
      param: (name) => params.get(name) ?? undefined,
    },
    `${issuer}${BC_AUTHORIZE_PATH.slice(1)}`,
  );
  if (!client) throw new BackchannelError(401, 'invalid_client', 'Client authentication failed.');
  const scope = single(params, 'scope');
  if (!scope?.split(' ').includes('openid')) {
    throw new BackchannelError(400, 'invalid_scope', 'scope must contain openid');
  }
  const sub = hintedSub(single(params, 'login_hint'), issuer);
  const bindingMessage = single(params, 'binding_message');
  if (!bindingMessage) throw invalidRequest('missing required parameter binding_message');
  if (!BINDING_MESSAGE.test(bindingMessage)) {
    throw invalidRequest(
      'binding_message must be 1 to 64 letters, digits, spaces or any of +-_.,:#',
    );
  }
  const seconds = expiresIn(single(params, 'requested_expiry'), state.config.ciba.maxExpiry);
  const audience = single(params, 'audience');
  if (audience !== undefined && !findApi(state, audience)) {
    throw new BackchannelError(400, 'invalid_target', `Service not found: ${audience}`);
  }
  if (!findUser(state, sub)) {
    throw new BackchannelError(400, 'unknown_user_id', `the user ${sub} does not exist`);
  }
  const request = state.backchannelRequests.create(
    { sub, clientId: client.clientId, bindingMessage, scope, audience },
    seconds,
  );
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    auth_req_id: request.id,
    expires_in: seconds,
    interval: state.backchannelRequests.interval,
  };
}

/**
 * Serves `/bc-authorize` on the domain of `issuer`, before oidc-provider's own CIBA endpoint at
 * that path (enabled only so that clients may use the grant; see `provider.ts`), whose answers
 * differ from Auth0's. Also leaves out of discovery what only that endpoint supports.
 */
export function backchannelAuthorizeEndpoint(state: TenantState, issuer: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== BC_AUTHORIZE_PATH) {
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && ctx.body) {
        // The tenant's endpoint takes no user_code.
        delete (ctx.body as Record<string, unknown>).backchannel_user_code_parameter_supported;
      }
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.body = { error: 'invalid_request', error_description: 'use POST' };
      return;
    }
    try {
      await backchannelAuthorize(state, ctx, issuer);
    } catch (error) {
      if (!(error instanceof BackchannelError)) throw error;
      ctx.status = error.status;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: error.error, error_description: error.message };
    }
  };
}
