import type { Context, Middleware } from 'koa';
import type { Authenticator } from './authenticators.js';
import { readJsonBody } from './body.js';
import { authenticateClient } from './client-auth.js';
import {
  type Auth0Error,
  checkMfaToken,
  isAuth0Error,
  type MfaTokenContext,
} from './mfa-tokens.js';
import type { TenantState } from './tenant-state.js';
import { newTotpSecret } from './totp.js';

/** The name authenticator apps show for the dev tenant's accounts. */
const TOTP_ISSUER = 'Gatehouse dev tenant';

type Body = Record<string, unknown>;

function answer(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.body = body;
}

const fail = (ctx: Context, { status, ...body }: Auth0Error) => answer(ctx, status, body);

const badRequest = (description: string): Auth0Error => ({
  status: 400,
  error: 'invalid_request',
  error_description: description,
});

/** The JSON body of a request, or undefined when it is not a JSON object. */
async function jsonBody(ctx: Context): Promise<Body | undefined> {
  const body = await readJsonBody(ctx.req).catch(() => undefined);
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Body)
    : undefined;
}

/** A request's `mfa_token`, and what it stands for. */
interface MfaTokenOf {
  token: string;
  context: MfaTokenContext;
}

/**
 * The `mfa_token` of `Authorization: Bearer <mfa_token>`, as `/mfa/authenticators` and
 * `/mfa/associate` take it, or the error to answer.
 */
function bearerMfaToken(state: TenantState, ctx: Context): MfaTokenOf | Auth0Error {
  const token = /^Bearer (.+)$/i.exec(ctx.get('authorization'))?.[1];
  if (!token) {
    return {
      status: 401,
      error: 'invalid_request',
      error_description: 'an mfa_token is required: Authorization: Bearer <mfa_token>',
    };
  }
  const context = checkMfaToken(state.mfaTokens, token);
  return isAuth0Error(context) ? context : { token, context };
}

const failed = (value: object): value is Auth0Error => 'error' in value;

/** `a***@example.com` and `XXXXXXXX1234`, as Auth0 names authenticators. */
function maskedAddress(authenticator: Authenticator): string | undefined {
  const address = authenticator.address;
  if (!address) return undefined;
  if (authenticator.channel === 'sms')
    return `${'X'.repeat(Math.max(0, address.length - 4))}${address.slice(-4)}`;
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** An authenticator as `GET /mfa/authenticators` lists it. */
function publicAuthenticator(authenticator: Authenticator) {
  const name = maskedAddress(authenticator);
  return {
    id: authenticator.id,
    authenticator_type: authenticator.type,
    ...(authenticator.channel ? { oob_channel: authenticator.channel } : {}),
    ...(name ? { name } : {}),
    active: true,
  };
}

/** `GET /mfa/authenticators`: the user's enrolled authenticators (email, app, SMS, recovery code). */
function listAuthenticators(state: TenantState, ctx: Context) {
  const bearer = bearerMfaToken(state, ctx);
  if (failed(bearer)) return fail(ctx, bearer);
  const { sub } = bearer.context;
  const active = state.authenticators.of(sub).filter((candidate) => candidate.active);
  answer(ctx, 200, active.map(publicAuthenticator));
}

/** The one value of an array field of one string, as `authenticator_types: ['otp']`. */
function single(body: Body, field: string): string | undefined {
  const value = body[field];
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string'
    ? value[0]
    : undefined;
}

const alreadyEnrolled: Auth0Error = {
  status: 403,
  error: 'access_denied',
  error_description: 'User is already enrolled.',
};

/**
 * `POST /mfa/associate`: enrolls an authenticator app (`{ authenticator_types: ['otp'] }`) or a
 * code sent out of band (`{ authenticator_types: ['oob'], oob_channels: ['sms' | 'email'],
 * phone_number | email }`). The enrollment is confirmed by the first MFA grant that answers it.
 * As at Auth0, an `mfa_token` enrolls a user's first factor only: a user who has enrolled one
 * (beyond the email factor every dev tenant user has) is refused 403 `access_denied`.
 */
async function associate(state: TenantState, ctx: Context): Promise<void> {
  const bearer = bearerMfaToken(state, ctx);
  if (failed(bearer)) return fail(ctx, bearer);
  const body = await jsonBody(ctx);
  if (!body) return fail(ctx, badRequest('the body must be a JSON object'));
  if (state.authenticators.hasEnrolled(bearer.context.sub)) return fail(ctx, alreadyEnrolled);
  const type = single(body, 'authenticator_types');
  if (type === 'otp') return associateOtp(state, ctx, bearer.context);
  if (type === 'oob') return associateOob(state, ctx, bearer, body);
  fail(ctx, badRequest('authenticator_types must be ["otp"] or ["oob"]'));
}

function associateOtp(state: TenantState, ctx: Context, context: MfaTokenContext) {
  const secret = newTotpSecret();
  const { recoveryCode } = state.authenticators.enroll({ sub: context.sub, type: 'otp', secret });
  const email = state.config.users.find((user) => user.sub === context.sub)?.email ?? context.sub;
  const label = encodeURIComponent(`${TOTP_ISSUER}:${email}`);
  const issuer = encodeURIComponent(TOTP_ISSUER);
  answer(ctx, 200, {
    authenticator_type: 'otp',
    secret,
    barcode_uri: `otpauth://totp/${label}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`,
    ...(recoveryCode ? { recovery_codes: [recoveryCode] } : {}),
  });
}

function associateOob(state: TenantState, ctx: Context, bearer: MfaTokenOf, body: Body) {
  const { context } = bearer;
  const channel = single(body, 'oob_channels');
  if (channel !== 'sms' && channel !== 'email') {
    return fail(ctx, badRequest('oob_channels must be ["sms"] or ["email"]'));
  }
  const user = state.config.users.find((candidate) => candidate.sub === context.sub);
  const address = channel === 'sms' ? body.phone_number : (body.email ?? user?.email);
  if (channel === 'sms' && (typeof address !== 'string' || !/^\+\d{6,15}$/.test(address))) {
    return fail(
      ctx,
      badRequest('phone_number must be a phone number in E.164 form, e.g. +15550100'),
    );
  }
  if (typeof address !== 'string' || (channel === 'email' && !address.includes('@'))) {
    return fail(ctx, badRequest('email must be an email address'));
  }
  const enrolled = state.authenticators
    .of(context.sub)
    .some(
      (candidate) =>
        candidate.active && candidate.channel === channel && candidate.address === address,
    );
  if (enrolled) return fail(ctx, alreadyEnrolled);
  const { authenticator, recoveryCode } = state.authenticators.enroll({
    sub: context.sub,
    type: 'oob',
    channel,
    address,
  });
  const oobCode = sendOobCode(state, bearer.token, authenticator);
  answer(ctx, 200, {
    authenticator_type: 'oob',
    oob_channel: channel,
    oob_code: oobCode,
    binding_method: 'prompt',
    ...(recoveryCode ? { recovery_codes: [recoveryCode] } : {}),
  });
}

/**
 * Sends a new binding code to an out-of-band authenticator, for an `mfa_token`; the `oob_code`
 * the app answers the `mfa-oob` grant with.
 */
function sendOobCode(state: TenantState, mfaToken: string, authenticator: Authenticator): string {
  const { oobCode, bindingCode } = state.oobChallenges.create(mfaToken, authenticator.id);
  state.outbox.sendCode(authenticator.address ?? '', authenticator.channel ?? 'email', bindingCode);
  return oobCode;
}

/** What a challenge asks for: the app's code, or a code sent to an out-of-band authenticator. */
type Challenge = { type: 'otp' } | { type: 'oob'; authenticator: Authenticator };

/**
 * The first of `types` the user can answer: with `chosen` (an `authenticator_id`), only that
 * authenticator; otherwise the user's app for `otp`, their first out-of-band one for `oob`.
 */
function pickChallenge(
  state: TenantState,
  sub: string,
  types: readonly string[],
  chosen: Authenticator | undefined,
): Challenge | undefined {
  for (const type of types) {
    if (type === 'otp' && (chosen ?? state.authenticators.activeTotp(sub))?.type === 'otp') {
      return { type: 'otp' };
    }
    const oob =
      chosen ??
      state.authenticators
        .of(sub)
        .find((candidate) => candidate.type === 'oob' && candidate.active);
    if (type === 'oob' && oob?.type === 'oob') return { type: 'oob', authenticator: oob };
  }
  return undefined;
}

/**
 * `POST /mfa/challenge`, JSON `{ mfa_token, client_id, client_secret | client_assertion,
 * challenge_type, authenticator_id? }`: `otp` answers `{ challenge_type: 'otp' }` (the code is in
 * the user's app); `oob` sends a code to the authenticator (by default the first out-of-band one,
 * the user's email) and answers `{ challenge_type: 'oob', oob_code, binding_method: 'prompt' }`.
 * `challenge_type` may list both (`"otp oob"`): the first the user can answer is used.
 */
async function challenge(state: TenantState, ctx: Context, issuer: string): Promise<void> {
  const body = await jsonBody(ctx);
  if (!body) return fail(ctx, badRequest('the body must be a JSON object'));
  const param = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined);
  const client = await authenticateClient(state, issuer, {
    authorization: ctx.get('authorization'),
    param,
  });
  if (!client) {
    return fail(ctx, {
      status: 401,
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
  }
  const mfaToken = param('mfa_token');
  const context = checkMfaToken(state.mfaTokens, mfaToken, client.clientId);
  if (isAuth0Error(context)) return fail(ctx, context);

  const authenticatorId = param('authenticator_id');
  const chosen = authenticatorId
    ? state.authenticators.find(context.sub, authenticatorId)
    : undefined;
  if (authenticatorId && !chosen?.active) {
    return fail(ctx, badRequest(`authenticator_id ${authenticatorId} is not one of the user's`));
  }
  const types = (param('challenge_type') ?? 'otp oob').split(' ');
  const picked = pickChallenge(state, context.sub, types, chosen);
  if (picked?.type === 'otp') return answer(ctx, 200, { challenge_type: 'otp' });
  if (picked?.type === 'oob') {
    const oobCode = sendOobCode(state, mfaToken as string, picked.authenticator);
    return answer(ctx, 200, { challenge_type: 'oob', oob_code: oobCode, binding_method: 'prompt' });
  }
  fail(ctx, {
    status: 400,
    error: 'unsupported_challenge_type',
    error_description: `User is not enrolled with ${types.join(' or ')}.`,
  });
}

/**
 * Auth0's MFA API for an `mfa_token`, on the domain of `issuer`: `GET /mfa/authenticators`,
 * `POST /mfa/associate` (both with `Authorization: Bearer <mfa_token>`) and `POST /mfa/challenge`
 * (client authentication and `mfa_token` in the JSON body). The code is then verified at the
 * token endpoint by the MFA grants (see `mfa-grants.ts`).
 */
export function mfaApi(state: TenantState, issuer: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/mfa/authenticators' && ctx.method === 'GET') {
      return listAuthenticators(state, ctx);
    }
    if (ctx.path === '/mfa/associate' && ctx.method === 'POST') return associate(state, ctx);
    if (ctx.path === '/mfa/challenge' && ctx.method === 'POST')
      return challenge(state, ctx, issuer);
    return next();
  };
}
