import { randomInt, timingSafeEqual } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Authenticators } from './authenticators.js';
import type { ResolvedTenantConfig } from './config.js';
import { escapeHtml, page } from './html.js';
import { oidcProvider } from './oidc-provider.js';
import { requestedOrganization } from './organizations.js';
import type { Outbox } from './outbox.js';
import { findApi, type TenantState } from './tenant-state.js';
import { verifyTotp } from './totp.js';

/** The `acr` of a login with a second factor, and the `acr_values` that asks for one (Auth0's). */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
/** The `amr` of a login with a second factor, as Auth0 writes it. */
export const MFA_AMR = ['mfa'];
/** The name of the interaction prompt that asks a signed-in user for a second factor. */
export const MFA_PROMPT = 'mfa';

/** How long an emailed login code lasts, and how many wrong codes end the attempt. */
const CODE_SECONDS = 300;
const MAX_WRONG_CODES = 5;
/** An authenticator-app challenge lasts as long as the interaction it belongs to. */
const INTERACTION_SECONDS = 3600;
/** Most challenges kept (abandoned logins leave theirs); past it the oldest are dropped. */
const MAX_CHALLENGES = 10_000;

/** Whether a session or token went through a second factor. */
export const hasMfa = (amr: unknown): boolean => Array.isArray(amr) && amr.includes('mfa');

/**
 * Whether a login for these authorization parameters needs a second factor: the user has an
 * authenticator app, or the request asks for it (`acr_values` with {@link MFA_ACR}), or the
 * organization it logs in to requires it, or an API it asks for (`audience`) does.
 */
export function needsSecondFactor(
  state: TenantState,
  params: Record<string, unknown>,
  sub: string,
): boolean {
  if (state.authenticators.activeTotp(sub)) return true;
  const acrValues = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  if (acrValues.includes(MFA_ACR)) return true;
  if (requestedOrganization(state.organizations, params)?.requireMfa) return true;
  const resources = ([] as unknown[]).concat(params.resource ?? []);
  return resources.some(
    (resource) => typeof resource === 'string' && findApi(state, resource)?.requireMfa === true,
  );
}

/**
 * The prompt that asks a user who is signed in already, without a second factor, for one when
 * this authorization needs it (see {@link needsSecondFactor}). A login through the form asks
 * for it right after the password instead, so that the session is only ever made with it.
 */
export function mfaPrompt(state: TenantState) {
  const { Check, Prompt } = oidcProvider().interactionPolicy;
  return new Prompt(
    { name: MFA_PROMPT, requestable: false },
    new Check(
      'mfa_required',
      'a second factor is required',
      'interaction_required',
      (ctx: KoaContextWithOIDC) => {
        const { session, params } = ctx.oidc;
        const sub = session?.accountId;
        if (!sub || hasMfa(session?.amr)) return Check.NO_NEED_TO_PROMPT;
        return needsSecondFactor(state, params ?? {}, sub);
      },
    ),
  );
}

/** A second factor the login page is waiting for, for one interaction. */
interface LoginChallenge {
  sub: string;
  /** `otp`: the user's authenticator app; `email`: a code sent to the outbox. */
  method: 'otp' | 'email';
  email: string;
  code?: string;
  expiresAt: number;
  wrongCodes: number;
}

/**
 * The second factors the login pages are waiting for, by interaction uid: an interaction belongs
 * to one browser (oidc-provider checks its cookie), so only that browser can answer it.
 */
export class LoginChallenges {
  readonly #byUid = new Map<string, LoginChallenge>();

  constructor(
    private readonly authenticators: Authenticators,
    private readonly outbox: Outbox,
    private readonly users: ResolvedTenantConfig['users'],
  ) {}

  /** The challenge of an interaction, if one is live. */
  get(uid: string): LoginChallenge | undefined {
    const challenge = this.#byUid.get(uid);
    if (challenge && challenge.expiresAt <= Date.now()) this.#byUid.delete(uid);
    return challenge && challenge.expiresAt > Date.now() ? challenge : undefined;
  }

  /**
   * The challenge of an interaction for `sub`, started if need be: a user with an authenticator
   * app types its code; any other user gets a code by email, in the outbox.
   */
  start(uid: string, sub: string): LoginChallenge {
    const live = this.get(uid);
    if (live?.sub === sub) return live;
    const email = this.users.find((candidate) => candidate.sub === sub)?.email ?? sub;
    const challenge: LoginChallenge = this.authenticators.activeTotp(sub)
      ? {
          sub,
          method: 'otp',
          email,
          expiresAt: Date.now() + INTERACTION_SECONDS * 1000,
          wrongCodes: 0,
        }
      : {
          sub,
          method: 'email',
          email,
          code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
          expiresAt: Date.now() + CODE_SECONDS * 1000,
          wrongCodes: 0,
        };
    if (challenge.code) this.outbox.sendCode(email, 'email', challenge.code);
    if (this.#byUid.size >= MAX_CHALLENGES) {
      this.#byUid.delete(this.#byUid.keys().next().value as string);
    }
    this.#byUid.set(uid, challenge);
    return challenge;
  }

  /**
   * Checks a code typed in: the user's `sub` when it is right (the challenge is then over),
   * `wrong`, or `ended` when there is no live challenge or too many wrong codes were typed.
   */
  answer(uid: string, code: string): { sub: string } | 'wrong' | 'ended' {
    const challenge = this.get(uid);
    if (!challenge) return 'ended';
    const right =
      challenge.method === 'otp'
        ? verifyTotp(this.authenticators.activeTotp(challenge.sub)?.secret ?? '', code)
        : sameCode(challenge.code ?? '', code);
    if (right) {
      this.#byUid.delete(uid);
      return { sub: challenge.sub };
    }
    challenge.wrongCodes += 1;
    if (challenge.wrongCodes < MAX_WRONG_CODES) return 'wrong';
    this.#byUid.delete(uid);
    return 'ended';
  }
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.trim());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `alice@example.com` as `a***@example.com`, as Auth0 shows where a code went. */
function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** The page that asks for the second factor: a plain form (`otp`), no script needed. */
export function secondFactorForm(
  uid: string,
  challenge: Pick<LoginChallenge, 'method' | 'email'>,
  error?: string,
): string {
  const hint =
    challenge.method === 'otp'
      ? 'Enter the 6-digit code your authenticator app shows.'
      : `We sent a 6-digit code to ${escapeHtml(maskEmail(challenge.email))}. (This tenant sends no mail: its messages are at <a href="/test/outbox?to=${encodeURIComponent(challenge.email)}" target="_blank" rel="noopener">the outbox</a>.)`;
  return page(
    'Verify your identity',
    `<h1>Verify your identity</h1>
     <p class="hint">${hint}</p>
     ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
     <form method="post" action="/interaction/${escapeHtml(uid)}/otp" autocomplete="off">
       <label for="otp">Code</label>
       <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required autofocus>
       <button type="submit">Continue</button>
     </form>
     <p class="hint">Gatehouse dev tenant: local development only.</p>`,
  );
}
