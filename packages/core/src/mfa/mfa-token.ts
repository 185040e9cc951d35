import { Sealer } from '../cookies/sealer.js';
import { MfaTokenExpiredError, MfaTokenInvalidError } from './errors.js';

/** What a sealed MFA token holds: the tenant's token and what it was issued for. */
export interface MfaTokenContext {
  /** The tenant's `mfa_token`, raw. */
  mfaToken: string;
  /** The audience and scope of the token request that needed MFA: `verify` asks for them again. */
  audience: string | undefined;
  scope: string | undefined;
  /** The tenant domain that issued it (an origin), so `verify` goes back there. */
  domain: string;
  /** Seconds since the epoch. */
  createdAt: number;
}

/**
 * A sealed MFA token stays readable (as expired) for a day after its lifetime, so an old one is
 * reported as `mfa_token_expired` rather than as invalid.
 */
const READABLE_AFTER_EXPIRY_SECONDS = 86_400;

/**
 * Seals MFA tokens for the app to hand around (a page, a form): encrypted and authenticated with
 * the app's secrets under their own purpose, so nothing else sealed by the app passes for one.
 */
export class MfaTokens {
  readonly #sealer: Sealer;

  constructor(
    secrets: readonly string[],
    /** Seconds an MFA token may be used after the tenant issued it. */
    readonly ttl: number,
  ) {
    this.#sealer = new Sealer(secrets, 'mfa-token');
  }

  seal(context: MfaTokenContext): Promise<string> {
    return this.#sealer.seal(context, context.createdAt + this.ttl + READABLE_AFTER_EXPIRY_SECONDS);
  }

  /** The context of a sealed token; throws `mfa_token_invalid` or `mfa_token_expired`. */
  async open(sealed: unknown, now: number): Promise<MfaTokenContext> {
    if (typeof sealed !== 'string' || sealed === '') throw new MfaTokenInvalidError();
    const context = await this.#sealer.unseal<MfaTokenContext>(sealed, now);
    if (
      !context ||
      typeof context.mfaToken !== 'string' ||
      typeof context.domain !== 'string' ||
      typeof context.createdAt !== 'number'
    ) {
      throw new MfaTokenInvalidError();
    }
    if (now - context.createdAt > this.ttl) throw new MfaTokenExpiredError();
    return context;
  }
}
