import * as oauth from 'oauth4webapi';
import {
  BackchannelAuthenticationError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
} from '../errors.js';
import { type GrantTokens, grantError, tokenGrant } from '../oidc/grant.js';
import type { Tenant } from '../oidc/tenant.js';
import type { AuthorizationParams } from '../options.js';
import { loginScope } from '../session/scopes.js';

/** The CIBA grant type (OpenID Connect CIBA Core §10.1). */
export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/** Parameters of a backchannel authentication request besides the user and the message. */
export interface BackchannelAuthorizationParams {
  /** The API to get an access token for. Default: the client's `authorizationParams.audience`. */
  audience?: string;
  /** Scopes added to the client's configured scope (`openid` always). */
  scope?: string;
  /** Seconds the user has to approve; the tenant caps it. */
  requested_expiry?: number;
  /** Other parameters the tenant takes. */
  [parameter: string]: string | number | undefined;
}

/** Options of `initiateBackchannelAuthentication` (and the calls that start with it). */
export interface BackchannelAuthenticationOptions {
  /** Whom to ask: the user's `sub` at the tenant. */
  loginHint: { sub: string };
  /**
   * Shown on the user's device with the request, so they know what they approve ("Transfer 4711").
   * Keep it short: Auth0 takes up to 64 letters, digits, spaces and `+-_.,:#`.
   */
  bindingMessage?: string;
  authorizationParams?: BackchannelAuthorizationParams;
}

/** A started backchannel authentication: poll it with `backchannelAuthenticationGrant`. */
export interface BackchannelRequest {
  /** The tenant's handle of the request (secret to this client). */
  authReqId: string;
  /** Seconds until the request expires. */
  expiresIn: number;
  /** Seconds to wait between polls. */
  interval: number;
}

/** Options of the poller. */
export interface PollOptions {
  /** Stops polling: the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Auth0's default wait between polls when the tenant does not say (CIBA Core §7.3: 5 s). */
const DEFAULT_INTERVAL = 5;
/** CIBA Core §11: a `slow_down` adds 5 s to the interval of every later poll. */
const SLOW_DOWN_STEP = 5;

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** The request's parameters: the scope and audience defaults, the per-call ones, the user. */
function requestParameters(
  issuer: string,
  options: BackchannelAuthenticationOptions,
  configured: AuthorizationParams,
): URLSearchParams {
  if (blank(options?.loginHint?.sub)) throw new MissingRequiredArgumentError('loginHint.sub');
  if (options.bindingMessage !== undefined && blank(options.bindingMessage)) {
    throw new InvalidArgumentError('bindingMessage', 'bindingMessage must not be blank.');
  }
  const { audience, scope, requested_expiry, ...rest } = options.authorizationParams ?? {};
  if (
    requested_expiry !== undefined &&
    !(Number.isInteger(requested_expiry) && (requested_expiry as number) > 0)
  ) {
    throw new InvalidArgumentError(
      'requested_expiry',
      'requested_expiry must be a positive whole number of seconds.',
    );
  }
  const resolvedAudience = audience ?? (configured.audience as string | undefined);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined) params.set(name, String(value));
  }
  params.set('scope', loginScope(configured.scope, resolvedAudience, scope));
  if (resolvedAudience) params.set('audience', resolvedAudience);
  if (requested_expiry !== undefined) params.set('requested_expiry', String(requested_expiry));
  // Auth0's login_hint: the user by issuer and subject (CIBA Core §7.1 leaves the format open).
  params.set(
    'login_hint',
    JSON.stringify({ format: 'iss_sub', iss: issuer, sub: options.loginHint.sub.trim() }),
  );
  if (options.bindingMessage !== undefined) params.set('binding_message', options.bindingMessage);
  return params;
}

/** The tenant's answer as a typed error: its own code, or what went wrong on the way. */
const backchannelError = (cause: unknown, step: string) =>
  grantError(
    cause,
    (code, message, retryAfter, options) =>
      new BackchannelAuthenticationError(code, message, retryAfter, options),
    { code: 'backchannel_error', message: `Backchannel authentication failed (${step})` },
  );

/** Asks the tenant to have the user approve on their device (`/bc-authorize`). */
export async function initiateBackchannel(
  tenant: Tenant,
  options: BackchannelAuthenticationOptions,
  configured: AuthorizationParams,
): Promise<BackchannelRequest> {
  const context = await tenant.context();
  if (!context.as.backchannel_authentication_endpoint) {
    throw new BackchannelAuthenticationError(
      'configuration_error',
      'The tenant has no backchannel authentication endpoint: enable CIBA for the application.',
    );
  }
  const params = requestParameters(context.as.issuer, options, configured);
  try {
    const response = await oauth.backchannelAuthenticationRequest(
      context.as,
      context.client,
      context.clientAuth,
      params,
      context.http,
    );
    const answer = await oauth.processBackchannelAuthenticationResponse(
      context.as,
      context.client,
      response,
    );
    return {
      authReqId: answer.auth_req_id,
      expiresIn: answer.expires_in,
      interval: answer.interval ?? DEFAULT_INTERVAL,
    };
  } catch (cause) {
    throw backchannelError(cause, 'bc-authorize');
  }
}

/**
 * One poll of the token endpoint: the tokens once the user approved, else the tenant's answer as a
 * {@link BackchannelAuthenticationError} (`authorization_pending`, `slow_down` with `retryAfter`,
 * `access_denied`, `expired_token`).
 *
 * @param now Seconds since the epoch.
 */
export async function pollBackchannel(
  tenant: Tenant,
  authReqId: string,
  now: number,
): Promise<GrantTokens> {
  if (blank(authReqId)) throw new MissingRequiredArgumentError('authReqId');
  try {
    return await tokenGrant(
      tenant,
      CIBA_GRANT,
      new URLSearchParams({ auth_req_id: authReqId }),
      now,
    );
  } catch (cause) {
    throw backchannelError(cause, 'token');
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls until the user approves (the tokens), denies (`access_denied`) or the request expires
 * (`expired_token`), waiting `interval` between polls; a `slow_down` makes every later wait
 * longer: the tenant's `Retry-After` when it sent one, else 5 s more (CIBA Core §11).
 */
export async function awaitBackchannel(
  poll: () => Promise<GrantTokens>,
  request: BackchannelRequest,
  options: PollOptions = {},
): Promise<GrantTokens> {
  let interval = request.interval;
  const deadline = Date.now() + request.expiresIn * 1000;
  for (;;) {
    await wait(interval * 1000, options.signal);
    try {
      return await poll();
    } catch (error) {
      if (!(error instanceof BackchannelAuthenticationError)) throw error;
      if (error.code === 'slow_down') {
        interval = Math.max(1, error.retryAfter ?? interval + SLOW_DOWN_STEP);
      } else if (error.code !== 'authorization_pending') {
        throw error;
      }
    }
    // A tenant that never says `expired_token` does not keep the poller forever.
    if (Date.now() >= deadline) {
      throw new BackchannelAuthenticationError(
        'expired_token',
        'The user did not approve the request before it expired.',
      );
    }
  }
}
