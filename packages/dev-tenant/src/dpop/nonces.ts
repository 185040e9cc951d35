import { randomBytes } from 'node:crypto';

/** oidc-provider's time-windowed challenge values (its `ServerChallenge`), as far as we use it. */
interface ServerChallenge {
  nextChallenge(): string;
  checkChallenge(challenge: string): boolean;
}

/**
 * The module of oidc-provider's server challenges. It is not part of its documented API: the dev
 * tenant takes it because oidc-provider checks the nonces of its own grants (authorization code,
 * refresh, client credentials) with a `ServerChallenge` made from `features.dPoP.nonceSecret`, and
 * gives no hook to check them elsewhere. Made from the same secret, ours yields the same values,
 * so one nonce works at every grant, built-in or custom, and at the My Account API, on every domain
 * (the tests of `dpopNonces` fail if a new oidc-provider changes this).
 */
const CHALLENGE_MODULE = 'oidc-provider/lib/helpers/challenge.js';

/**
 * The tenant's DPoP nonces (RFC 9449 §8 and §9): values that change every minute, a few of which
 * are accepted at once, so a client's nonce stays good for a few minutes after it is handed out.
 */
export class DpopNonces {
  /** The 32-byte secret the nonces derive from; oidc-provider's `features.dPoP.nonceSecret`. */
  readonly secret: Buffer;
  readonly #challenges: ServerChallenge;

  private constructor(secret: Buffer, challenges: ServerChallenge) {
    this.secret = secret;
    this.#challenges = challenges;
  }

  /** Nonces from a new random secret (they change when the tenant restarts). */
  static async create(): Promise<DpopNonces> {
    const specifier = CHALLENGE_MODULE;
    const module = (await import(specifier)) as {
      default: new (secret: Buffer, info: string) => ServerChallenge;
    };
    const secret = randomBytes(32);
    // `DPoP` is the info oidc-provider derives its DPoP nonces with.
    return new DpopNonces(secret, new module.default(secret, 'DPoP'));
  }

  /** The nonce to hand out now, in a `DPoP-Nonce` header. */
  next(): string {
    return this.#challenges.nextChallenge();
  }

  /** Whether a proof's nonce is one the tenant accepts now. */
  accepts(nonce: string): boolean {
    return this.#challenges.checkChallenge(nonce);
  }
}
