import type { Context, Middleware } from 'koa';
import type { BackchannelRequest } from './ciba-requests.js';
import { escapeHtml, page } from './html.js';
import type { TenantState } from './tenant-state.js';
import { findUser } from './users.js';

const ONE_REQUEST = /^\/ciba\/([\w-]+)$/;
const DECISION = /^\/ciba\/([\w-]+)\/(approve|deny)$/;

/** A request as `GET /test/ciba` lists it (the test kit's `listBackchannelRequests`). */
export interface BackchannelRequestInfo {
  authReqId: string;
  sub: string;
  clientId: string;
  bindingMessage: string;
  /** When it stops waiting, in milliseconds since the epoch. */
  expiresAt: number;
}

const secondsLeft = (request: BackchannelRequest) =>
  Math.max(0, Math.ceil((request.expiresAt - Date.now()) / 1000));

/** One request with its Approve and Deny buttons: plain forms, no script needed. */
function requestCard(state: TenantState, request: BackchannelRequest): string {
  const user = findUser(state, request.sub);
  const who = user ? `${user.name} (${user.sub})` : request.sub;
  const base = `/ciba/${encodeURIComponent(request.id)}`;
  return `<section class="request">
     <p><strong>${escapeHtml(request.clientId)}</strong> asks <strong>${escapeHtml(who)}</strong> to approve:</p>
     <p class="binding-message">${escapeHtml(request.bindingMessage)}</p>
     <p class="hint">${secondsLeft(request)} seconds left</p>
     <form method="post" action="${escapeHtml(`${base}/approve`)}"><button type="submit">Approve</button></form>
     <form method="post" action="${escapeHtml(`${base}/deny`)}"><button type="submit" class="deny">Deny</button></form>
   </section>`;
}

function html(ctx: Context, body: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function listPage(state: TenantState, requests: readonly BackchannelRequest[]): string {
  const cards = requests.map((request) => requestCard(state, request)).join('');
  return page(
    'Requests to approve',
    `<h1>Requests to approve</h1>
     ${cards || '<p>No request is waiting.</p>'}
     <p class="hint">Gatehouse dev tenant: the user's phone, for CIBA (local development only).</p>`,
  );
}

const gone = (ctx: Context) =>
  html(
    ctx,
    page(
      'Not waiting',
      '<h1>This request is not waiting</h1><p>It was answered already, it expired, or it never existed.</p><p><a href="/ciba">All requests</a></p>',
    ),
    404,
  );

/**
 * The user's "phone" for CIBA, as Auth0's Guardian app shows a push: `GET /ciba` lists the
 * requests waiting (user, client, binding message, seconds left) with Approve and Deny buttons,
 * forms that post to `/ciba/{auth_req_id}/approve` and `/deny` and come back to the list;
 * `GET /ciba/{auth_req_id}` shows one. `GET /test/ciba?sub=` lists them as JSON, `{ requests }`.
 * Development only: whoever reaches the tenant may answer any request.
 */
export function backchannelPages(state: TenantState): Middleware {
  return async (ctx, next) => {
    const requests = state.backchannelRequests;
    if (ctx.path === '/test/ciba' && ctx.method === 'GET') {
      const sub = typeof ctx.query.sub === 'string' ? ctx.query.sub : undefined;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        requests: requests.listPending(sub).map(
          (request): BackchannelRequestInfo => ({
            authReqId: request.id,
            sub: request.sub,
            clientId: request.clientId,
            bindingMessage: request.bindingMessage,
            expiresAt: request.expiresAt,
          }),
        ),
      };
      return;
    }
    if (ctx.path === '/ciba' && ctx.method === 'GET') {
      return html(ctx, listPage(state, requests.listPending()));
    }
    const one = ONE_REQUEST.exec(ctx.path);
    if (one && ctx.method === 'GET') {
      const request = requests.pending(one[1] as string);
      return request ? html(ctx, listPage(state, [request])) : gone(ctx);
    }
    const decision = DECISION.exec(ctx.path);
    if (decision && ctx.method === 'POST') {
      const answer = decision[2] === 'approve' ? 'approved' : 'denied';
      if (!requests.decide(decision[1] as string, answer)) return gone(ctx);
      ctx.status = 303;
      ctx.redirect('/ciba');
      return;
    }
    return next();
  };
}
