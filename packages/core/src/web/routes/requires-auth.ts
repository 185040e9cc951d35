import { isInOrganization } from '@gatehouse/base';
import { ConfigurationError } from '../../errors.js';
import type { UserClaims } from '../../session/model.js';
import { appUrl } from '../options.js';
import { type WebRequest, wantsHtml } from '../request.js';
import { json, redirect, type WebResponse } from '../response.js';
import { pathAndQuery } from '../return-to.js';
import { type RouteContext, storeOptionsOf } from './context.js';

/** What a page asks of the signed-in user, beyond being signed in. */
export interface RequiresAuthOptions {
  /** The user must be signed in to this organization (an `org_…` id or a name). */
  organization?: string;
  /**
   * Step-up: the session's `acr` must be one of these, e.g.
   * `http://schemas.openid.net/pape/policies/2007/06/multi-factor`; else the user signs in again
   * with `acr_values`.
   */
  acrValues?: string | readonly string[];
  /** Step-up: the user must have authenticated at most this many seconds ago (`auth_time`). */
  maxAge?: number;
}

const OPTION_NAMES = ['organization', 'acrValues', 'maxAge'];

/**
 * Checks `requiresAuth(options)` where it is written (at route set-up): an unknown key or a wrong
 * type throws a {@link ConfigurationError} naming it.
 */
export function checkRequiresAuthOptions(options: unknown): RequiresAuthOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError('requiresAuth', 'takes an options object.');
  }
  const { organization, acrValues, maxAge } = options as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new ConfigurationError(
        `requiresAuth.${name}`,
        `is not an option; they are ${OPTION_NAMES.join(', ')}.`,
      );
    }
  }
  if (organization !== undefined && (typeof organization !== 'string' || !organization.trim())) {
    throw new ConfigurationError('requiresAuth.organization', 'must be an org_ id or a name.');
  }
  const acr = [acrValues ?? []].flat();
  if (acr.some((value) => typeof value !== 'string' || value === '')) {
    throw new ConfigurationError('requiresAuth.acrValues', 'must be a string or a list of them.');
  }
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && (maxAge as number) >= 0)) {
    throw new ConfigurationError('requiresAuth.maxAge', 'must be a whole number of seconds.');
  }
  return options as RequiresAuthOptions;
}

/** The login parameters that would give the user what the page asks for, or none when it has it. */
export function missingAuthentication(
  user: UserClaims,
  options: RequiresAuthOptions,
  now: number,
): Record<string, string> | undefined {
  const missing: Record<string, string> = {};
  if (options.organization !== undefined && !isInOrganization(user, options.organization)) {
    missing.organization = options.organization;
  }
  const acrValues = [options.acrValues ?? []].flat();
  if (acrValues.length > 0 && !acrValues.includes(user.acr as string)) {
    missing.acr_values = acrValues.join(' ');
  }
  const authTime = user.auth_time;
  if (
    options.maxAge !== undefined &&
    (typeof authTime !== 'number' || now - authTime > options.maxAge)
  ) {
    missing.max_age = String(options.maxAge);
  }
  return Object.keys(missing).length > 0 ? missing : undefined;
}

/**
 * What a request that may not see a page gets: a browser is sent through login (with what the page
 * asks for: `organization`, `acr_values`, `max_age`) and back to the page; anything else gets 401
 * without a session, or 403 `insufficient_user_authentication` (RFC 9470) with one.
 */
export function signInResponse(
  { options }: RouteContext,
  request: WebRequest,
  loginParams: Record<string, string> = {},
  signedIn = false,
): WebResponse {
  if (options.routes.login && wantsHtml(request)) {
    const login = appUrl(request.appBaseUrl, options.routes.login);
    login.searchParams.set('returnTo', pathAndQuery(request.url));
    for (const [name, value] of Object.entries(loginParams)) login.searchParams.set(name, value);
    return redirect(login);
  }
  return signedIn
    ? json(403, {
        error: 'insufficient_user_authentication',
        error_description: 'This resource needs a stronger or more recent sign-in.',
      })
    : json(401, {
        error: 'missing_session',
        error_description: 'Sign in first: this resource needs a session.',
      });
}

export async function requiresAuth(
  context: RouteContext,
  request: WebRequest,
  options: RequiresAuthOptions = {},
): Promise<WebResponse | undefined> {
  const user = await context.client.getUser({ storeOptions: storeOptionsOf(request) });
  if (!user) return signInResponse(context, request, missingLoginParams(options));
  const missing = missingAuthentication(user, options, Math.floor(Date.now() / 1000));
  return missing && signInResponse(context, request, missing, true);
}

/** The login parameters a page's options ask for, for a user who is not signed in at all. */
function missingLoginParams(options: RequiresAuthOptions): Record<string, string> {
  const acrValues = [options.acrValues ?? []].flat();
  return {
    ...(options.organization !== undefined ? { organization: options.organization } : {}),
    ...(acrValues.length > 0 ? { acr_values: acrValues.join(' ') } : {}),
  };
}
