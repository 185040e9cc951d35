import { createHash, randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { readFormBody, readJsonBody } from './body.js';
import type { ConnectedAccount } from './connected-accounts.js';
import { authenticateResourceRequest } from './dpop/resource-access.js';
import { escapeHtml, page } from './html.js';
import { myAccountAudience, type TenantState } from './tenant-state.js';

const API_PATH =
  /^\/me\/v1\/connected-accounts\/(connect|complete|accounts|connections)(?:\/([^/]+))?$/;
const CONNECT_SESSION_SECONDS = 600;
const MAX_CONNECT_SESSIONS = 10_000;

/** A connect in progress: from `connect` to the consent page, back with `connect_code`, to `complete`. */
interface ConnectSession {
  authSession: string;
  ticket: string;
  sub: string;
  connection: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes?: string[];
  loginHint?: string;
  connectCode?: string;
  expiresAt: number;
}

const connectSessions = new WeakMap<TenantState, Map<string, ConnectSession>>();

interface ValidationError {
  detail: string;
  field: string;
}

/** Answers with an RFC 9457 problem document, as the My Account API does. */
function problem(
  ctx: Context,
  status: number,
  title: string,
  detail: string,
  validationErrors?: ValidationError[],
) {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `https://auth0.com/api-errors/${title.toLowerCase().replace(/\s+/g, '-')}`,
    title,
    status,
    detail,
    ...(validationErrors ? { validation_errors: validationErrors } : {}),
  };
}

const publicAccount = (account: ConnectedAccount) => ({
  id: account.id,
  connection: account.connection,
  access_type: 'offline',
  scopes: account.scopes,
  created_at: account.createdAt,
});

/** One page of `items`; `from` is an opaque cursor (a base64url offset). */
function paginate<T>(ctx: Context, items: T[]): { page: T[]; next?: string } | undefined {
  const takeParam = ctx.query.take;
  const take = takeParam === undefined ? 10 : Number(takeParam);
  if (!Number.isInteger(take) || take < 1 || take > 100) {
    problem(ctx, 400, 'Bad Request', 'Invalid query parameters.', [
      { field: 'take', detail: 'must be an integer from 1 to 100' },
    ]);
    return undefined;
  }
  let offset = 0;
  if (typeof ctx.query.from === 'string') {
    offset = Number(Buffer.from(ctx.query.from, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) {
      problem(ctx, 400, 'Bad Request', 'Invalid query parameters.', [
        { field: 'from', detail: 'is not a valid cursor' },
      ]);
      return undefined;
    }
  }
  const pageItems = items.slice(offset, offset + take);
  const next =
    offset + take < items.length
      ? Buffer.from(String(offset + take)).toString('base64url')
      : undefined;
  return { page: pageItems, ...(next ? { next } : {}) };
}

function validateConnect(state: TenantState, body: Record<string, unknown>): ValidationError[] {
  const errors: ValidationError[] = [];
  const required = [
    'connection',
    'redirect_uri',
    'state',
    'code_challenge',
    'code_challenge_method',
  ];
  for (const field of required) {
    if (typeof body[field] !== 'string' || body[field] === '')
      errors.push({ field, detail: `${field} is required` });
  }
  if (typeof body.connection === 'string' && !state.accounts.connection(body.connection)) {
    errors.push({
      field: 'connection',
      detail: `connection ${body.connection} is not enabled for Connected Accounts`,
    });
  }
  if (body.code_challenge_method !== undefined && body.code_challenge_method !== 'S256') {
    errors.push({ field: 'code_challenge_method', detail: 'must be S256' });
  }
  if (typeof body.redirect_uri === 'string' && !URL.canParse(body.redirect_uri)) {
    errors.push({ field: 'redirect_uri', detail: 'must be an absolute URL' });
  }
  if (
    body.scopes !== undefined &&
    (!Array.isArray(body.scopes) || body.scopes.some((scope) => typeof scope !== 'string'))
  ) {
    errors.push({ field: 'scopes', detail: 'must be an array of strings' });
  }
  return errors;
}

/**
 * Auth0's My Account API for connected accounts (`/me/v1/connected-accounts/...`), plus the
 * simulated upstream consent page its `connect_uri` points at (`/connect`), on the domain of
 * `issuer`. It takes access tokens for its own audience, `{issuer}me/`, issued on any of the
 * tenant's domains; its `connect_uri` stays on this domain. Connect sessions are the tenant's, so a
 * connect started on one domain can be completed on another. It takes DPoP-bound tokens with
 * their proofs, and unbound ones as `Bearer` unless `myAccountApi.dpop` is `'required'` (see
 * `dpop/resource-access.ts`).
 */
export function myAccountApi(state: TenantState, issuer: string): Middleware {
  const audience = myAccountAudience(issuer);
  // Kept per tenant, not per provider instance: a key rotation rebuilds the provider mid-connect.
  const sessions = connectSessions.get(state) ?? new Map<string, ConnectSession>();
  connectSessions.set(state, sessions);
  const live = (session: ConnectSession | undefined) =>
    session && session.expiresAt > Date.now() ? session : undefined;
  const byTicket = (ticket: unknown) =>
    live(
      [...sessions.values()].find(
        (session) => typeof ticket === 'string' && session.ticket === ticket,
      ),
    );

  const scopeFor = (method: string, resource: string) =>
    resource === 'accounts' && method === 'DELETE'
      ? 'delete:me:connected_accounts'
      : resource === 'connect' || resource === 'complete'
        ? 'create:me:connected_accounts'
        : 'read:me:connected_accounts';

  async function api(ctx: Context, resource: string, id: string | undefined) {
    const access = await authenticateResourceRequest({
      state,
      ctx,
      audience,
      url: new URL(ctx.path, issuer).href,
      policy: state.config.myAccountApi.dpop,
      unique: (jti, expiresAt) =>
        (ctx.app as unknown as Provider).ReplayDetection.unique(audience, jti, expiresAt),
    });
    if ('refusal' in access) {
      const { refusal } = access;
      ctx.set('WWW-Authenticate', refusal.challenge);
      if (refusal.nonce) ctx.set('DPoP-Nonce', refusal.nonce);
      return problem(ctx, refusal.status, 'Unauthorized', refusal.detail);
    }
    const { claims } = access;
    const needed = scopeFor(ctx.method, resource);
    if (
      !String(claims.scope ?? '')
        .split(' ')
        .includes(needed)
    ) {
      return problem(ctx, 403, 'Forbidden', `Insufficient scope; expected: ${needed}.`);
    }
    const sub = claims.sub;

    if (resource === 'connect' && ctx.method === 'POST') {
      const body = (await readJsonBody(ctx.req)) as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object')
        return problem(ctx, 400, 'Bad Request', 'The body must be a JSON object.');
      const errors = validateConnect(state, body);
      if (errors.length > 0)
        return problem(ctx, 400, 'Bad Request', 'Invalid request payload.', errors);
      if (sessions.size >= MAX_CONNECT_SESSIONS)
        sessions.delete(sessions.keys().next().value as string);
      const authorizationParams = body.authorization_params as Record<string, unknown> | undefined;
      const session: ConnectSession = {
        authSession: randomBytes(24).toString('base64url'),
        ticket: randomBytes(24).toString('base64url'),
        sub,
        connection: body.connection as string,
        redirectUri: body.redirect_uri as string,
        state: body.state as string,
        codeChallenge: body.code_challenge as string,
        ...(body.scopes ? { scopes: body.scopes as string[] } : {}),
        ...(typeof authorizationParams?.login_hint === 'string'
          ? { loginHint: authorizationParams.login_hint }
          : {}),
        expiresAt: Date.now() + CONNECT_SESSION_SECONDS * 1000,
      };
      sessions.set(session.authSession, session);
      ctx.status = 201;
      ctx.body = {
        connect_uri: `${issuer}connect`,
        connect_params: { ticket: session.ticket },
        auth_session: session.authSession,
        expires_in: CONNECT_SESSION_SECONDS,
      };
      return;
    }

    if (resource === 'complete' && ctx.method === 'POST') {
      const body = (await readJsonBody(ctx.req)) as Record<string, unknown> | undefined;
      const fields = ['auth_session', 'connect_code', 'redirect_uri', 'code_verifier'];
      const errors = fields
        .filter((field) => typeof body?.[field] !== 'string' || body[field] === '')
        .map((field) => ({ field, detail: `${field} is required` }));
      if (!body || errors.length > 0)
        return problem(ctx, 400, 'Bad Request', 'Invalid request payload.', errors);
      const session = live(sessions.get(body.auth_session as string));
      const challenge = createHash('sha256').update(String(body.code_verifier)).digest('base64url');
      if (
        !session ||
        session.sub !== sub ||
        !session.connectCode ||
        session.connectCode !== body.connect_code ||
        session.redirectUri !== body.redirect_uri ||
        session.codeChallenge !== challenge
      ) {
        return problem(
          ctx,
          400,
          'Bad Request',
          'The connect session, code, redirect URI or PKCE verifier does not match.',
        );
      }
      sessions.delete(session.authSession);
      const user = state.config.users.find((candidate) => candidate.sub === sub);
      const account = state.accounts.connect({
        sub,
        connection: session.connection,
        loginHint: session.loginHint ?? user?.email ?? sub,
        scopes: session.scopes,
      });
      ctx.status = 201;
      ctx.body = publicAccount(account);
      return;
    }

    if (resource === 'accounts' && ctx.method === 'GET' && !id) {
      const connection =
        typeof ctx.query.connection === 'string' ? ctx.query.connection : undefined;
      const result = paginate(ctx, state.accounts.list(sub, connection));
      if (result)
        ctx.body = {
          accounts: result.page.map(publicAccount),
          ...(result.next ? { next: result.next } : {}),
        };
      return;
    }

    if (resource === 'accounts' && ctx.method === 'DELETE' && id) {
      if (!state.accounts.delete(sub, decodeURIComponent(id))) {
        return problem(ctx, 404, 'Not Found', 'No such connected account.');
      }
      ctx.status = 204;
      return;
    }

    if (resource === 'connections' && ctx.method === 'GET' && !id) {
      const connections = state.config.connections.map((connection) => ({
        name: connection.name,
        strategy: connection.name.split('-')[0],
        scopes: connection.scopes.split(' '),
      }));
      const result = paginate(ctx, connections);
      if (result)
        ctx.body = { connections: result.page, ...(result.next ? { next: result.next } : {}) };
      return;
    }

    return problem(ctx, 405, 'Method Not Allowed', `${ctx.method} is not supported here.`);
  }

  /** The simulated upstream provider's consent screen and its answer. */
  async function consent(ctx: Context) {
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method === 'GET' && ctx.path === '/connect') {
      const session = byTicket(ctx.query.ticket);
      if (!session) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = page('Expired', '<h1>This connection request has expired</h1>');
        return;
      }
      const deny = `/connect/deny?ticket=${encodeURIComponent(session.ticket)}`;
      ctx.type = 'html';
      ctx.body = page(
        'Connect account',
        `<h1>Connect your ${escapeHtml(session.connection)} account</h1>
         <p class="hint">Simulated upstream provider. Grant access to: ${escapeHtml((session.scopes ?? state.accounts.connection(session.connection)?.scopes.split(' ') ?? []).join(', '))}</p>
         <form method="post" action="/connect/decision">
           <input type="hidden" name="ticket" value="${escapeHtml(session.ticket)}">
           <button type="submit">Allow access</button>
         </form>
         <p><a id="deny" href="${escapeHtml(deny)}">Deny</a></p>`,
      );
      return;
    }
    const ticket =
      ctx.method === 'POST' ? (await readFormBody(ctx.req)).get('ticket') : ctx.query.ticket;
    const session = byTicket(ticket);
    if (!session) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Expired', '<h1>This connection request has expired</h1>');
      return;
    }
    const target = new URL(session.redirectUri);
    if (ctx.path === '/connect/deny') {
      sessions.delete(session.authSession);
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied access');
    } else {
      session.connectCode = randomBytes(24).toString('base64url');
      session.ticket = randomBytes(24).toString('base64url'); // the consent page works once
      target.searchParams.set('connect_code', session.connectCode);
    }
    target.searchParams.set('state', session.state);
    ctx.status = 303;
    ctx.redirect(target.href);
  }

  return async (ctx, next) => {
    const match = API_PATH.exec(ctx.path);
    if (match) return api(ctx, match[1] as string, match[2]);
    if (
      (ctx.path === '/connect' && ctx.method === 'GET') ||
      (ctx.path === '/connect/decision' && ctx.method === 'POST') ||
      (ctx.path === '/connect/deny' && ctx.method === 'GET')
    ) {
      return consent(ctx);
    }
    return next();
  };
}
