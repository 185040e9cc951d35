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

/** Sets `key` in a map that forgets its oldest entry past {@link MAX_DELEGATIONS}. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= MAX_DELEGATIONS) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

/**
 * The actor of each grant given by delegation: a token exchange with an actor, or a login started
 * by a session transfer token that had one (every grant given in that tenant session). Every
 * token issued from such a grant (its access tokens, its ID tokens, those of its refreshes)
 * carries `act`, as organizations are carried by grant (see `organizations.ts`).
 */
export class Delegations {
  readonly #actOfGrant = new Map<string, ActClaim>();
  readonly #actOfSession = new Map<string, ActClaim>();

  /** Records the actor of a grant. */
  bind(grantId: string, act: ActClaim): void {
    remember(this.#actOfGrant, grantId, act);
  }

  /** Records the actor of a tenant session (by its `uid`), for the grants given in it. */
  bindSession(sessionUid: string, act: ActClaim): void {
    remember(this.#actOfSession, sessionUid, act);
  }

  /** The actor of a tenant session, if a session transfer token with one started it. */
  ofSession(sessionUid: string | undefined): ActClaim | undefined {
    return sessionUid === undefined ? undefined : this.#actOfSession.get(sessionUid);
  }

  /** `{ act }` for the tokens of a grant given by delegation; nothing for any other grant. */
  claimsOf(grantId: string | undefined): { act: ActClaim } | Record<string, never> {
    const act = grantId === undefined ? undefined : this.#actOfGrant.get(grantId);
    return act ? { act } : {};
  }
}
