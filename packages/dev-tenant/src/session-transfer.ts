import { randomBytes } from 'node:crypto';
import type { InteractionResults, KoaContextWithOIDC } from 'oidc-provider';
import type { ActClaim } from './delegations.js';
import { oidcProvider } from './oidc-provider.js';
import type { TenantState } from './tenant-state.js';

/** The `issued_token_type` of a session transfer token, as Auth0 names it. */
export const SESSION_TRANSFER_TOKEN_TYPE =
  'urn:auth0:params:oauth:token-type:session_transfer_token';

/** The interaction result key of a login by a session transfer token (its actor, if any). */
export const SESSION_TRANSFER_RESULT = 'session_transfer';

/** The audience that asks a token exchange for a session transfer token on one domain. */
export const sessionTransferAudience = (issuer: string): string =>
  `urn:${new URL(issuer).host}:session_transfer`;

/** Whether `audience` is the session transfer audience of one of the tenant's domains. */
export function isSessionTransferAudience(state: TenantState, audience: string | undefined) {
  return state.issuers.some((issuer) => sessionTransferAudience(issuer) === audience);
}

/** A session transfer token not used yet: whom it logs in, and what went with them. */
export interface SessionTransfer {
  sub: string;
  /** Who acts for the user, when the exchange had an actor: the login's tokens carry `act`. */
  act?: ActClaim;
  /** The login of a tenant token subject (an ID or refresh token): its methods and level. */
  amr?: string[];
  acr?: string;
  expiresAt: number;
}

/** Most live tokens kept; past it the oldest are dropped. */
const MAX_TRANSFERS = 10_000;

/**
 * Session transfer tokens (Auth0's Native to Web SSO): opaque, short-lived, used up by the first
 * `/authorize` that presents one, on any domain.
 */
export class SessionTransfers {
  readonly #byValue = new Map<string, SessionTransfer>();

  constructor(private readonly lifetimeSeconds: number) {}

  /** A new token for `transfer`, and how long it lasts in seconds. */
  issue(transfer: Omit<SessionTransfer, 'expiresAt'>): { value: string; lifetime: number } {
    const value = randomBytes(32).toString('base64url');
    this.#sweep();
    if (this.#byValue.size >= MAX_TRANSFERS) {
      this.#byValue.delete(this.#byValue.keys().next().value as string);
    }
    this.#byValue.set(value, {
      ...transfer,
      expiresAt: Date.now() + this.lifetimeSeconds * 1000,
    });
    return { value, lifetime: this.lifetimeSeconds };
  }

  /** Uses a token up: its transfer if it was live, and never again. */
  consume(value: string): SessionTransfer | undefined {
    const transfer = this.#byValue.get(value);
    this.#byValue.delete(value);
    return transfer && transfer.expiresAt > Date.now() ? transfer : undefined;
  }

  #sweep() {
    const now = Date.now();
    for (const [value, transfer] of this.#byValue) {
      if (transfer.expiresAt <= now) this.#byValue.delete(value);
    }
  }
}

/** The authorization parameter of a session transfer token, kept with the request. */
export function sessionTransferParams(): Record<string, () => void> {
  // Any value is taken here; the login step decides what it is worth.
  return { session_transfer_token() {} };
}

/**
 * The check of oidc-provider's login prompt that sends an authorization with a
 * `session_transfer_token` to the login step even when the browser is signed in, since a token
 * decides the login (see {@link sessionTransferLogin}).
 */
export function sessionTransferCheck() {
  const { Check } = oidcProvider().interactionPolicy;
  return new Check(
    'session_transfer_token',
    'a session transfer token is to be used',
    'login_required',
    (ctx: KoaContextWithOIDC) =>
      ctx.oidc.params?.session_transfer_token !== undefined && !ctx.oidc.result?.login
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT,
  );
}

/**
 * The login a `session_transfer_token` gives, as Auth0 honours one at `/authorize`: a live token
 * logs its user in without the form, when the browser has no session or one of that user. The
 * token is used up either way. A token that is not live (used, expired, unknown), or one of another
 * user than the browser's session, gives nothing: the login form is shown, and no session is made
 * until someone signs in there.
 */
export function sessionTransferLogin(
  state: TenantState,
  params: Record<string, unknown>,
  signedIn: string | undefined,
): InteractionResults | undefined {
  const value = params.session_transfer_token;
  if (typeof value !== 'string') return undefined;
  const transfer = state.sessionTransfers.consume(value);
  if (!transfer || (signedIn !== undefined && signedIn !== transfer.sub)) return undefined;
  return {
    login: {
      accountId: transfer.sub,
      ...(transfer.amr ? { amr: transfer.amr } : {}),
      ...(transfer.acr ? { acr: transfer.acr } : {}),
    },
    ...(transfer.act ? { [SESSION_TRANSFER_RESULT]: { act: transfer.act } } : {}),
  };
}

/** The actor a login by a session transfer token settled, from an interaction's results so far. */
export function transferredActor(results: unknown): ActClaim | undefined {
  const settled = (results as Record<string, { act?: ActClaim } | undefined> | undefined)?.[
    SESSION_TRANSFER_RESULT
  ];
  return settled?.act;
}
