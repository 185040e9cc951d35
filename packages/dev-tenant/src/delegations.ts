/**
 * RFC 8693's actor claim: who acts for the subject, and before them whoever that one acted for
 * (`act: { sub: newActor, act: previousAct }`, §4.1).
 */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

/** Most delegated grants remembered; past it the oldest are forgotten. */
const MAX_DELEGATIONS = 10_000;

/**
 * The actor of each grant given by delegation: a token exchange with an actor, or a login started
 * by a session transfer token that had one. Every token issued from such a grant (its access
 * tokens, its ID tokens, those of its refreshes) carries `act`, as organizations are carried by
 * grant (see `organizations.ts`).
 */
export class Delegations {
  readonly #actOfGrant = new Map<string, ActClaim>();

  /** Records the actor of a grant. */
  bind(grantId: string, act: ActClaim): void {
    if (this.#actOfGrant.size >= MAX_DELEGATIONS) {
      this.#actOfGrant.delete(this.#actOfGrant.keys().next().value as string);
    }
    this.#actOfGrant.set(grantId, act);
  }

  /** `{ act }` for the tokens of a grant given by delegation; nothing for any other grant. */
  claimsOf(grantId: string | undefined): { act: ActClaim } | Record<string, never> {
    const act = grantId === undefined ? undefined : this.#actOfGrant.get(grantId);
    return act ? { act } : {};
  }
}
