import { randomBytes } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { readFormBody, readJsonBody } from './body.js';
import { authenticateClient } from './client-auth.js';
import type { DevClientConfig } from './config.js';
import { verifyMagicLink } from './passwordless-link.js';
import type { PasswordlessConnection } from './passwordless-users.js';
import type { TenantState } from './tenant-state.js';

/** What Auth0 takes as an email address: something@domain.tld, no spaces, at most 254 characters. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** E.164: `+`, then 7 to 15 digits, the first not 0. */
const PHONE_NUMBER = /^\+[1-9]\d{6,14}$/;

type Body = Record<string, unknown>;

/** A refusal of `/passwordless/start`, in Auth0's `{ error, error_description }`. */
class StartError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

/** The body, JSON or form; a form's `authParams` may be JSON text. */
async function startBody(ctx: Context): Promise<Body> {
  if (ctx.is('urlencoded')) {
    const form = Object.fromEntries(await readFormBody(ctx.req)) as Body;
    if (typeof form.authParams === 'string') {
      try {
        form.authParams = JSON.parse(form.authParams);
      } catch {
        // Left a string: refused below as not an object.
      }
    }
    return form;
  }
  const body = await readJsonBody(ctx.req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StartError(400, 'invalid_request', 'the body must be a JSON object (or a form)');
  }
  return body as Body;
}

/** The authParams of a `send: "link"` start: their `redirect_uri` must be the client's. */
function linkParams(client: DevClientConfig, authParams: unknown): Body {
  if (typeof authParams !== 'object' || authParams === null || Array.isArray(authParams)) {
    throw new StartError(400, 'bad.redirect_uri', 'a link needs authParams with a redirect_uri');
  }
  const params = authParams as Body;
  const redirectUri = params.redirect_uri;
  if (typeof redirectUri !== 'string' || !client.redirectUris.includes(redirectUri)) {
    throw new StartError(
      400,
      'bad.redirect_uri',
      `authParams.redirect_uri ${String(redirectUri)} is not an allowed callback URL of client ${client.clientId}`,
    );
  }
  return params;
}

/** The magic link: the verification URL with the code, and the authParams to go on with. */
function magicLink(
  issuer: string,
  client: DevClientConfig,
  email: string,
  code: string,
  params: Body,
): string {
  const link = new URL('passwordless/verify_redirect', issuer);
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      link.searchParams.set(name, String(value));
    }
  }
  // Set last, so authParams cannot name another client, address or code.
  link.searchParams.set('client_id', client.clientId);
  link.searchParams.set('connection', 'email');
  link.searchParams.set('email', email);
  link.searchParams.set('verification_code', code);
  return link.href;
}

/**
 * `POST /passwordless/start`: sends a code (or, for email with `send: "link"`, a magic link) to
 * the tenant's outbox. Client authentication by `client_id` and `client_secret` in the body, or
 * Basic. Answers Auth0's `{ _id, email, email_verified }` or `{ _id, phone_number, phone_verified,
 * request_language }`.
 */
async function start(state: TenantState, ctx: Context, issuer: string): Promise<void> {
  const body = await startBody(ctx);
  const param = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
  const client = await authenticateClient(state, issuer, {
    authorization: ctx.get('authorization'),
    param,
  });
  if (!client) throw new StartError(401, 'invalid_client', 'Client authentication failed.');
  const connection = body.connection;
  if (connection !== 'email' && connection !== 'sms') {
    throw new StartError(400, 'bad.connection', 'connection must be "email" or "sms"');
  }
  const address = connection === 'email' ? param('email') : param('phone_number');
  if (connection === 'email' && !(address && address.length <= 254 && EMAIL.test(address))) {
    throw new StartError(400, 'bad.email', 'email must be an email address');
  }
  if (connection === 'sms' && !(address && PHONE_NUMBER.test(address))) {
    throw new StartError(
      400,
      'bad.phone_number',
      'phone_number must be a phone number in E.164 form, e.g. +15550100100',
    );
  }
  const send = connection === 'email' ? (body.send ?? 'code') : 'code';
  if (send !== 'code' && send !== 'link') {
    throw new StartError(400, 'bad.send', 'send must be "code" or "link"');
  }
  const to = address as string;
  const authParams = send === 'link' ? linkParams(client, body.authParams) : undefined;
  const codes = state.passwordlessCodes;
  // A refused start counts for nothing and leaves the live code as it was.
  const retryAfter = codes.throttle(connection as PasswordlessConnection, to);
  if (retryAfter !== undefined) {
    throw new StartError(
      429,
      'too_many_requests',
      `Too many passwordless starts for ${to}. Try again in ${retryAfter} seconds.`,
      retryAfter,
    );
  }
  const code = codes.issue(client.clientId, connection, to);
  const link = authParams ? magicLink(issuer, client, to, code, authParams) : undefined;
  state.outbox.sendPasswordless(to, connection, code, codes.codeLifetime, link);
  const id = randomBytes(12).toString('hex');
  ctx.body =
    connection === 'email'
      ? { _id: id, email: to, email_verified: false }
      : { _id: id, phone_number: to, phone_verified: false, request_language: null };
}

/**
 * Auth0's passwordless endpoints on the domain of `issuer`: `POST /passwordless/start` and the
 * magic link's `GET /passwordless/verify_redirect` (see `passwordless-link.ts`). The code is
 * verified at the token endpoint by the passwordless grant (see `passwordless-grant.ts`).
 */
export function passwordlessApi(state: TenantState, issuer: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/passwordless/verify_redirect' && ctx.method === 'GET') {
      return verifyMagicLink(state, ctx);
    }
    if (ctx.path !== '/passwordless/start') return next();
    ctx.set('Cache-Control', 'no-store');
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.body = { error: 'invalid_request', error_description: 'use POST' };
      return;
    }
    try {
      await start(state, ctx, issuer);
    } catch (error) {
      const refused =
        error instanceof StartError
          ? error
          : new StartError(400, 'invalid_request', 'malformed request');
      ctx.status = refused.status;
      if (refused.retryAfter !== undefined) ctx.set('Retry-After', String(refused.retryAfter));
      ctx.body = { error: refused.error, error_description: refused.message };
    }
  };
}
