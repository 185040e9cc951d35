import { authCookieDefaults } from '../../cookies/cookie-jar.js';
import { CrossSiteRequestError, InvalidArgumentError } from '../../errors.js';
import { isCrossSiteSubmission } from '../cross-site.js';
import { acceptsHtml, field, type WebRequest } from '../request.js';
import { json, redirect } from '../response.js';
import { resolveReturnTo } from '../return-to.js';
import { type RouteContext, type RouteHandler, storeOptionsOf } from './context.js';

/** Remembers, between the two steps, whom the code went to and where the user goes afterwards. */
export const PASSWORDLESS_COOKIE = 'gatehouse.passwordless';
/** As long as a code is worth waiting for (Auth0's codes live 5 minutes by default). */
const PENDING_SECONDS = 600;
const PURPOSE = 'passwordless';

/** What the cookie holds. */
type PendingSignIn = Recipient & { returnTo: string };

/** A sign-in form may only be submitted from the app's own pages (a login CSRF otherwise). */
function refuseCrossSite(request: WebRequest): void {
  if (isCrossSiteSubmission(request, request.appBaseUrl)) {
    throw new CrossSiteRequestError('A sign-in must be submitted from this app’s own pages.');
  }
}

/** Whom a code goes to: an email address or a phone number. */
type Recipient =
  | { email: string; phoneNumber?: undefined }
  | { phoneNumber: string; email?: undefined };

/** The recipient a form names: `email`, or `phone_number` (also `phoneNumber` in JSON). */
function recipientOf(request: WebRequest): Recipient | undefined {
  const email = field(request, 'email', 'body')?.trim();
  const phone = (
    field(request, 'phone_number', 'body') ?? field(request, 'phoneNumber', 'body')
  )?.trim();
  if (email) return { email };
  if (phone) return { phoneNumber: phone };
  return undefined;
}

/** A browser's form post gets a redirect (303: the next request is a GET); `fetch` gets JSON. */
const fromForm = (request: WebRequest) =>
  acceptsHtml(request.accept) && request.contentType !== 'application/json';

/**
 * `POST /auth/passwordless/start`: sends a one-time code (`email` or `phone_number`) or, with
 * `send=link`, a sign-in link by email. `returnTo` is where the user lands once signed in; a form
 * post is then sent on to `next` (the app's page with the code form; same origin only, default
 * the app's base URL), a JSON request gets `{ sent, to }`. A 429 from the tenant is a 429 with
 * `Retry-After`.
 */
export const passwordlessStart: RouteHandler = async (context, request) => {
  refuseCrossSite(request);
  const recipient = recipientOf(request);
  if (!recipient) {
    throw new InvalidArgumentError('email', 'Give an email address or a phone number.');
  }
  const send = field(request, 'send', 'body') === 'link' ? 'link' : 'code';
  const returnTo = resolveReturnTo(field(request, 'returnTo', 'body'), request.appBaseUrl);
  const storeOptions = storeOptionsOf(request);
  await context.client.passwordless.start(
    recipient.email !== undefined
      ? { email: recipient.email, send, storeOptions, appState: { returnTo: returnTo.href } }
      : { phoneNumber: recipient.phoneNumber, storeOptions },
  );
  if (send === 'code') {
    await rememberPending(context, request, { ...recipient, returnTo: returnTo.href });
  }
  if (fromForm(request)) {
    return redirect(resolveReturnTo(field(request, 'next', 'body'), request.appBaseUrl), 303);
  }
  return json(200, { sent: send, to: recipient.email !== undefined ? 'email' : 'sms' });
};

/**
 * `POST /auth/passwordless/verify`: checks the `code` for the recipient the start remembered (or
 * the `email` / `phone_number` of the form) and starts the session; a form post is sent on to
 * `returnTo`, a JSON request gets `{ returnTo }`.
 */
export const passwordlessVerify: RouteHandler = async (context, request) => {
  refuseCrossSite(request);
  const pending = await readPending(context, request);
  const recipient: Recipient | undefined = recipientOf(request) ?? pending;
  if (!recipient?.email && !recipient?.phoneNumber) {
    throw new InvalidArgumentError('email', 'Start again: whom the code was sent to is not known.');
  }
  const verificationCode = field(request, 'code', 'body') ?? '';
  const storeOptions = storeOptionsOf(request);
  await context.client.passwordless.verify(
    recipient.email !== undefined
      ? { email: recipient.email, verificationCode, storeOptions }
      : { phoneNumber: recipient.phoneNumber, verificationCode, storeOptions },
  );
  request.cookies.delete(PASSWORDLESS_COOKIE, authCookieDefaults(context.options.secure));
  const returnTo = resolveReturnTo(
    field(request, 'returnTo', 'body') ?? pending?.returnTo,
    request.appBaseUrl,
  );
  return fromForm(request) ? redirect(returnTo, 303) : json(200, { returnTo: returnTo.href });
};

async function rememberPending(
  context: RouteContext,
  request: WebRequest,
  pending: PendingSignIn,
): Promise<void> {
  const expiresAt = Math.floor(Date.now() / 1000) + PENDING_SECONDS;
  const sealed = await context.sealer(PURPOSE).seal(pending, expiresAt);
  request.cookies.set(PASSWORDLESS_COOKIE, sealed, {
    ...authCookieDefaults(context.options.secure),
    maxAge: PENDING_SECONDS,
  });
}

async function readPending(
  context: RouteContext,
  request: WebRequest,
): Promise<PendingSignIn | undefined> {
  const sealed = request.cookies.get(PASSWORDLESS_COOKIE);
  if (!sealed) return undefined;
  const pending = await context.sealer(PURPOSE).unseal<PendingSignIn>(sealed);
  return typeof pending?.returnTo === 'string' &&
    (typeof pending.email === 'string' || typeof pending.phoneNumber === 'string')
    ? pending
    : undefined;
}
