import { nowSeconds } from '../clock.js';
import {
  InvalidArgumentError,
  MissingRequiredArgumentError,
  PasswordlessStartError,
  PasswordlessVerifyError,
} from '../errors.js';
import type { InteractiveLogin } from '../login/interactive-login.js';
import { mfaRequiredErrorOf } from '../mfa/mfa-required.js';
import type { MfaTokens } from '../mfa/mfa-token.js';
import type { TenantDomains } from '../oidc/domains.js';
import { grantError, retryAfterOf, sessionTokensOf, tokenGrant } from '../oidc/grant.js';
import { callTenantApi, withClientAuth } from '../oidc/tenant-api.js';
import type { AuthorizationParams } from '../options.js';
import type { BeforeSessionSaved } from '../session/hook.js';
import type { Session } from '../session/model.js';
import { loginScope } from '../session/scopes.js';
import { startSession } from '../session/start-session.js';
import type { Sessions } from '../stores/sessions.js';

/** Auth0's grant for a one-time code sent by `/passwordless/start`. */
export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';

/** Who to send a code or link to, by email. */
export interface PasswordlessEmail {
  email: string;
  /** A code to type in (default), or a link that signs the user in through the callback. */
  send?: 'code' | 'link';
  /** The passwordless connection. Default `email`. */
  connection?: string;
}

/** Who to send a code to, by text message. */
export interface PasswordlessSms {
  /** In E.164 form, e.g. `+14155550100`. */
  phoneNumber: string;
  /** The passwordless connection. Default `sms`. */
  connection?: string;
}

/** Options of `passwordless.start`. */
export type StartPasswordlessOptions<TStoreOptions> = (PasswordlessEmail | PasswordlessSms) & {
  /** The language of the message (BCP 47, e.g. `fr`): the `x-request-language` header. */
  language?: string;
  /** The end user's IP address, for the tenant's rate limits (`auth0-forwarded-for`). */
  clientIp?: string;
  /** For a link: the login's parameters (`audience`, `scope`, ...), as an interactive login's. */
  authorizationParams?: AuthorizationParams;
  /** For a link: anything to get back at the callback, e.g. `{ returnTo }`. */
  appState?: unknown;
  /** Needed for a link: its login transaction is kept there until the callback. */
  storeOptions?: TStoreOptions;
};

/** Options of `passwordless.verify`. */
export type VerifyPasswordlessOptions<TStoreOptions> = (
  | { email: string; phoneNumber?: never }
  | { phoneNumber: string; email?: never }
) & {
  /** The code the user received. */
  verificationCode: string;
  /** Default `email` with an email, `sms` with a phone number. */
  connection?: string;
  /** The API to get an access token for. Default: the client's `authorizationParams.audience`. */
  audience?: string;
  /** Scopes added to the client's configured scope. */
  scope?: string;
  /** The end user's IP address (`auth0-forwarded-for`). */
  clientIp?: string;
  storeOptions: TStoreOptions;
};

/** What `passwordless.start` returns: the tenant's id of the user the code went to. */
export interface StartPasswordlessResult {
  id: string | undefined;
}

/** Passwordless login (Auth0's `/passwordless/start` and its one-time-code grant). */
export interface PasswordlessClient<TStoreOptions> {
  /**
   * Sends a one-time code by email or text message, or a link by email. A 429 from the tenant
   * rejects with `PasswordlessStartError` `too_many_requests` and `retryAfter` in seconds.
   */
  start(options: StartPasswordlessOptions<TStoreOptions>): Promise<StartPasswordlessResult>;
  /**
   * Verifies the code and starts a session, with the same ID-token checks as a login. A wrong,
   * expired, used or locked code rejects with `PasswordlessVerifyError` (`invalid_grant`, the
   * tenant's description says which).
   */
  verify(options: VerifyPasswordlessOptions<TStoreOptions>): Promise<Session>;
}

/** What the passwordless client needs from the client that owns it. */
export interface PasswordlessContext<TStoreOptions> {
  domains: TenantDomains<TStoreOptions>;
  login: InteractiveLogin<TStoreOptions>;
  params: AuthorizationParams;
  sessions: Sessions<TStoreOptions>;
  mfaTokens: MfaTokens;
  beforeSessionSaved: BeforeSessionSaved | undefined;
}

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

/** The end user's address and language, as Auth0 takes them from a server calling for them. */
function forwardedHeaders(options: {
  clientIp?: string;
  language?: string;
}): Record<string, string> {
  return {
    ...(options.clientIp ? { 'auth0-forwarded-for': options.clientIp } : {}),
    ...(options.language ? { 'x-request-language': options.language } : {}),
  };
}

/** {@link PasswordlessClient} over the tenant domains of one `ServerClient`. */
export class TenantPasswordlessClient<TStoreOptions> implements PasswordlessClient<TStoreOptions> {
  constructor(private readonly context: PasswordlessContext<TStoreOptions>) {}

  async start(options: StartPasswordlessOptions<TStoreOptions>): Promise<StartPasswordlessResult> {
    const recipient = recipientOf(options);
    const tenant = await this.context.domains.current(options.storeOptions);
    const authParams =
      'send' in options && options.send === 'link' ? await this.#linkParams(options) : undefined;
    const body = await withClientAuth(tenant, {
      connection: recipient.connection,
      ...(recipient.email !== undefined
        ? { email: recipient.email, send: (options as PasswordlessEmail).send ?? 'code' }
        : { phone_number: recipient.phoneNumber }),
      ...(authParams ? { authParams } : {}),
    });
    let answer: Awaited<ReturnType<typeof callTenantApi>>;
    try {
      answer = await callTenantApi(tenant, '/passwordless/start', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...forwardedHeaders(options) },
        body: JSON.stringify(body),
      });
    } catch (cause) {
      throw new PasswordlessStartError(
        'passwordless_start_failed',
        `The passwordless start failed: ${(cause as Error).message}`,
        undefined,
        { cause },
      );
    }
    if (!answer.ok) {
      const code =
        answer.error ?? (answer.status === 429 ? 'too_many_requests' : 'passwordless_start_failed');
      throw new PasswordlessStartError(
        code,
        answer.errorDescription ?? `The tenant answered ${answer.status}.`,
        retryAfterOf(new Response(null, { headers: answer.headers })),
      );
    }
    const id = answer.body?._id;
    return { id: typeof id === 'string' ? id : undefined };
  }

  /**
   * A link's `/authorize` parameters: a login transaction like any other (state, nonce, PKCE),
   * kept in the store, so the link completes at the app's callback with every check of a login.
   */
  async #linkParams(
    options: StartPasswordlessOptions<TStoreOptions>,
  ): Promise<Record<string, string>> {
    if (options.storeOptions === undefined) throw new MissingRequiredArgumentError('storeOptions');
    const url = await this.context.login.start({
      storeOptions: options.storeOptions,
      appState: options.appState,
      ...(options.authorizationParams ? { authorizationParams: options.authorizationParams } : {}),
      pushedAuthorizationRequests: false,
    });
    const params = Object.fromEntries(url.searchParams);
    delete params.client_id;
    return params;
  }

  async verify(options: VerifyPasswordlessOptions<TStoreOptions>): Promise<Session> {
    const recipient = recipientOf(options);
    if (blank(options.verificationCode)) throw new MissingRequiredArgumentError('verificationCode');
    const { domains, params: configured } = this.context;
    const tenant = await domains.current(options.storeOptions);
    const audience = options.audience ?? (configured.audience as string | undefined);
    const scope = loginScope(configured.scope, audience, options.scope);
    const parameters = new URLSearchParams({
      realm: recipient.connection,
      username: (recipient.email ?? recipient.phoneNumber) as string,
      otp: options.verificationCode.trim(),
      scope,
      ...(audience ? { audience } : {}),
    });
    const now = nowSeconds();
    let tokens: Awaited<ReturnType<typeof tokenGrant>>;
    try {
      tokens = await tokenGrant(tenant, PASSWORDLESS_OTP_GRANT, parameters, now, {
        headers: forwardedHeaders(options),
      });
    } catch (cause) {
      throw (
        (await mfaRequiredErrorOf(cause, this.context.mfaTokens, {
          audience,
          scope,
          domain: tenant.address.origin,
          createdAt: now,
        })) ?? verifyError(cause)
      );
    }
    if (!tokens.idToken || !tokens.claims) {
      throw new PasswordlessVerifyError(
        'passwordless_verify_failed',
        'The tenant returned no ID token to start a session with.',
      );
    }
    return startSession(
      this.context,
      {
        tokens: sessionTokensOf({ ...tokens, idToken: tokens.idToken }),
        idTokenClaims: tokens.claims,
        requested: { audience, scope },
        domain: tenant.address.origin,
        trigger: 'passwordless',
      },
      options.storeOptions,
    );
  }
}

/** The tenant's refusal of a code as a typed error (the ID token's own errors pass through). */
const verifyError = (cause: unknown) =>
  grantError(
    cause,
    (code, message, retryAfter, options) =>
      new PasswordlessVerifyError(code, message, retryAfter, options),
    { code: 'passwordless_verify_failed', message: 'The passwordless verification failed' },
  );

/** The one recipient of a start or verify, checked, with its connection. */
function recipientOf(options: { email?: string; phoneNumber?: string; connection?: string }): {
  email?: string;
  phoneNumber?: string;
  connection: string;
} {
  if (typeof options !== 'object' || options === null) {
    throw new MissingRequiredArgumentError('options');
  }
  const { email, phoneNumber, connection } = options;
  if ((email === undefined) === (phoneNumber === undefined)) {
    throw new InvalidArgumentError('email', 'Give either email or phoneNumber, not both.');
  }
  if (connection !== undefined && blank(connection)) {
    throw new InvalidArgumentError('connection', 'connection must not be blank.');
  }
  if (email !== undefined) {
    if (blank(email) || !email.includes('@')) {
      throw new InvalidArgumentError('email', 'email must be an email address.');
    }
    return { email: email.trim(), connection: connection ?? 'email' };
  }
  if (typeof phoneNumber !== 'string' || !/^\+[1-9]\d{6,14}$/.test(phoneNumber.trim())) {
    throw new InvalidArgumentError(
      'phoneNumber',
      'phoneNumber must be in E.164 form, e.g. +14155550100.',
    );
  }
  return { phoneNumber: phoneNumber.trim(), connection: connection ?? 'sms' };
}
