import { authCookieDefaults } from '../../cookies/cookie-jar.js';
import {
  CrossSiteRequestError,
  InvalidArgumentError,
  MissingRequiredArgumentError,
} from '../../errors.js';
import type { PasskeyAuthResponse } from '../../passkeys/types.js';
import { isCrossSiteSubmission } from '../cross-site.js';
import type { WebRequest } from '../request.js';
import { json, NO_STORE, type WebResponse } from '../response.js';
import { pathAndQuery, resolveReturnTo } from '../return-to.js';
import { type RouteHandler, storeOptionsOf } from './context.js';

/** The sealed cookie that keeps a passkey ceremony's `authSession` on the server's side. */
export const PASSKEY_COOKIE = 'gatehouse.passkey';
/** Seconds a ceremony may take: the tenant's `auth_session` lives five minutes. */
const PASSKEY_COOKIE_LIFETIME = 300;

/** What the cookie holds: the tenant's handle of the ceremony, and where to go after it. */
interface PasskeyCeremony {
  authSession: string;
  returnTo: string;
}

/**
 * The CSRF check of the passkey routes: a JSON body (a cross-site form cannot send one, and a
 * cross-site `fetch` with one needs a CORS preflight this app never answers) from the app's own
 * pages (`Sec-Fetch-Site` / `Origin`, as for the logout form).
 */
function checkSameSiteJson(request: WebRequest): Readonly<Record<string, unknown>> {
  if (isCrossSiteSubmission(request, request.appBaseUrl)) {
    throw new CrossSiteRequestError('Passkeys can only be used from this app’s own pages.');
  }
  if (request.contentType !== 'application/json' || !request.body) {
    throw new InvalidArgumentError('body', 'The request must be a JSON object (application/json).');
  }
  return request.body;
}

const text = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function noStore(response: WebResponse): WebResponse {
  response.headers['cache-control'] = NO_STORE;
  return response;
}

/**
 * `POST /auth/passkey/challenge` with JSON `{ mode: "signup", email, name?, returnTo? }` or
 * `{ mode: "login", username?, returnTo? }` → `{ publicKey }`: the options for
 * `PublicKeyCredential.parseCreationOptionsFromJSON()` (sign-up) or
 * `parseRequestOptionsFromJSON()` (login). The tenant's `authSession` never reaches the browser:
 * it is sealed in a short-lived cookie for `POST /auth/passkey/login`.
 */
export const passkeyChallenge: RouteHandler = async ({ client, options, sealer }, request) => {
  const body = checkSameSiteJson(request);
  const storeOptions = storeOptionsOf(request);
  let challenge: Awaited<ReturnType<typeof client.passkeyLoginChallenge>>;
  if (body.mode === 'signup') {
    const email = text(body.email);
    if (!email) throw new MissingRequiredArgumentError('email');
    const name = text(body.name);
    challenge = await client.passkeySignupChallenge({
      userProfile: { email, ...(name ? { name } : {}) },
      storeOptions,
    });
  } else if (body.mode === 'login') {
    const username = text(body.username);
    challenge = await client.passkeyLoginChallenge({
      ...(username ? { username } : {}),
      storeOptions,
    });
  } else {
    throw new InvalidArgumentError('mode', 'mode must be "signup" or "login".');
  }
  const returnTo = resolveReturnTo(body.returnTo, request.appBaseUrl);
  const ceremony: PasskeyCeremony = {
    authSession: challenge.authSession,
    returnTo: pathAndQuery(returnTo),
  };
  const sealed = await sealer('passkey').seal(
    ceremony,
    Math.floor(Date.now() / 1000) + PASSKEY_COOKIE_LIFETIME,
  );
  request.cookies.set(PASSKEY_COOKIE, sealed, {
    ...authCookieDefaults(options.secure),
    maxAge: PASSKEY_COOKIE_LIFETIME,
  });
  return noStore(json(200, { publicKey: challenge.publicKey }));
};

/**
 * `POST /auth/passkey/login` with the browser's credential as JSON (`credential.toJSON()`, WebAuthn
 * Level 3) → a brand-new session and `{ returnTo }`. The ceremony's cookie is used once: it is
 * cleared whatever the tenant answers.
 */
export const passkeyLogin: RouteHandler = async ({ client, options, sealer }, request) => {
  const body = checkSameSiteJson(request);
  const cookie = request.cookies.get(PASSKEY_COOKIE);
  const ceremony = cookie ? await sealer('passkey').unseal<PasskeyCeremony>(cookie) : undefined;
  request.cookies.delete(PASSKEY_COOKIE, authCookieDefaults(options.secure));
  if (typeof ceremony?.authSession !== 'string') {
    throw new MissingRequiredArgumentError('authSession');
  }
  if (typeof body.id !== 'string' || typeof body.response !== 'object' || body.response === null) {
    throw new InvalidArgumentError(
      'authnResponse',
      'The body must be the credential’s toJSON(): { id, rawId, type, response, ... }.',
    );
  }
  await client.signinWithPasskey({
    authSession: ceremony.authSession,
    authnResponse: body as unknown as PasskeyAuthResponse,
    storeOptions: storeOptionsOf(request),
  });
  const returnTo = resolveReturnTo(ceremony.returnTo, request.appBaseUrl);
  return noStore(json(200, { returnTo: returnTo.href }));
};
