import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { TenantState } from './tenant-state.js';
import { findUser } from './users.js';

const USER_LOGOUT = /^\/test\/users\/([^/]+)\/logout$/;
const USER = /^\/test\/users\/([^/]+)$/;

/**
 * Test-only admin endpoints, the same on every domain of the tenant. `POST /test/users/{sub}/logout`
 * ends every tenant session of a user and sends a back-channel logout token to each client they
 * had signed in to, as a logout at the tenant (or an administrator revoking sessions) would; each
 * token carries the issuer of the domain the client's part of the session was signed in on (see
 * `session-domains.ts`). Answers `{ sessions, notified }`, where `notified` counts the logouts
 * taken at the first attempt (the others are redelivered). `GET /test/backchannel-deliveries`
 * lists every back-channel logout sent and its attempts. `GET /test/outbox?to=` lists the emails
 * and text messages with codes sent to `to` (every one without it), oldest first, as
 * `{ messages }`. `GET /test/users/{sub}` answers a user as Auth0's Management API lists one:
 * `{ sub, email, name, identities }` (404 for a `sub` the tenant does not have).
 */
export function adminApi(state: TenantState): Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/test/backchannel-deliveries' && ctx.method === 'GET') {
      ctx.body = { deliveries: state.deliveries.list() };
      return;
    }
    if (ctx.path === '/test/outbox' && ctx.method === 'GET') {
      const to = typeof ctx.query.to === 'string' ? ctx.query.to : undefined;
      ctx.body = { messages: state.outbox.list(to) };
      return;
    }
    const user = USER.exec(ctx.path);
    if (user && ctx.method === 'GET') {
      const sub = decodeURIComponent(user[1] as string);
      const found = findUser(state, sub);
      if (!found) {
        ctx.status = 404;
        ctx.body = { error: 'not_found', error_description: `no user ${sub}` };
        return;
      }
      ctx.body = {
        sub,
        email: found.email,
        name: found.name,
        identities: state.identities.list(sub),
      };
      return;
    }
    const match = USER_LOGOUT.exec(ctx.path);
    if (!match || ctx.method !== 'POST') return next();
    const provider = ctx.app as unknown as Provider;
    const sub = decodeURIComponent(match[1] as string);
    let sessions = 0;
    let notified = 0;
    for (const [id, payload] of [...state.storage.all('Session')]) {
      if (payload.accountId !== sub) continue;
      sessions += 1;
      const authorizations = (payload.authorizations ?? {}) as Record<string, { sid?: string }>;
      for (const [clientId, { sid }] of Object.entries(authorizations)) {
        // oidc-provider's Client sends the logout token; its typings omit the method.
        const client = (await provider.Client.find(clientId)) as
          | {
              backchannelLogoutUri?: string;
              backchannelLogout(sub: string, sid: string): Promise<void>;
            }
          | undefined;
        if (!client?.backchannelLogoutUri || !sid) continue;
        await client.backchannelLogout(sub, sid).then(
          () => {
            notified += 1;
          },
          (error: Error) =>
            console.warn(`dev tenant: back-channel logout to ${clientId} failed: ${error.message}`),
        );
      }
      state.storage.delete('Session', id);
    }
    ctx.body = { sessions, notified };
  };
}
