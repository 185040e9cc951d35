import { randomBytes } from 'node:crypto';

/** A backchannel authentication request (`/bc-authorize`) waiting for, or answered by, its user. */
export interface BackchannelRequest {
  /** The opaque `auth_req_id` the client polls with. */
  id: string;
  /** The user asked to approve. */
  sub: string;
  clientId: string;
  /** What the client shows so that the user knows which request is theirs. */
  bindingMessage: string;
  /** The scopes asked for (`openid` among them). */
  scope: string;
  /** The API asked for (`audience`), if any. */
  audience?: string;
  /** When it stops waiting, in milliseconds since the epoch. */
  expiresAt: number;
  /** The user's answer, once given. */
  decision?: 'approved' | 'denied';
  /** When it was last polled (or issued), in milliseconds since the epoch. */
  lastPollAt: number;
  /** Tokens were given for it: it gives none again. */
  used: boolean;
}

/** What one poll of the token endpoint finds. */
export type PollOutcome =
  | { outcome: 'invalid' }
  | { outcome: 'expired' }
  | { outcome: 'slow_down'; retryAfter: number }
  | { outcome: 'pending' }
  | { outcome: 'denied' }
  | { outcome: 'approved'; request: BackchannelRequest };

/** Most requests kept; past it the oldest are dropped. */
const MAX_REQUESTS = 10_000;
/** How long an ended request is remembered, so that a late poll still gets `expired_token`. */
const REMEMBERED_MS = 10 * 60 * 1000;

/**
 * The tenant's CIBA requests, shared by every domain: issued by `/bc-authorize`, answered on the
 * user's "phone" (`/ciba`), polled at the token endpoint no faster than `interval`.
 */
export class BackchannelRequests {
  readonly #byId = new Map<string, BackchannelRequest>();

  constructor(private readonly intervalSeconds: number) {}

  /** Seconds between two polls of one request. */
  get interval(): number {
    return this.intervalSeconds;
  }

  /** Records a new request that waits `expiresIn` seconds for its user. */
  create(
    request: Pick<BackchannelRequest, 'sub' | 'clientId' | 'bindingMessage' | 'scope' | 'audience'>,
    expiresIn: number,
  ): BackchannelRequest {
    this.#sweep();
    if (this.#byId.size >= MAX_REQUESTS) {
      this.#byId.delete(this.#byId.keys().next().value as string);
    }
    const now = Date.now();
    const created: BackchannelRequest = {
      ...request,
      id: randomBytes(24).toString('base64url'),
      expiresAt: now + expiresIn * 1000,
      lastPollAt: now,
      used: false,
    };
    this.#byId.set(created.id, created);
    return created;
  }

  /** A request still waiting for its user's answer. */
  pending(id: string): BackchannelRequest | undefined {
    const request = this.#byId.get(id);
    return request && !request.decision && request.expiresAt > Date.now() ? request : undefined;
  }

  /** The requests waiting for an answer (of one user, when `sub` is given), oldest first. */
  listPending(sub?: string): BackchannelRequest[] {
    return [...this.#byId.values()].filter(
      (request) =>
        (sub === undefined || request.sub === sub) && this.pending(request.id) !== undefined,
    );
  }

  /** The user's answer to a waiting request; false when it waits no more (answered, expired). */
  decide(id: string, decision: 'approved' | 'denied'): boolean {
    const request = this.pending(id);
    if (!request) return false;
    request.decision = decision;
    return true;
  }

  /**
   * One poll by `clientId`: another client's request, or an unknown or used one, is `invalid`;
   * then `expired`; then `slow_down` when polled sooner than `interval` after the previous poll
   * (which does not count as one, so that waiting `retryAfter` is enough); then the answer.
   */
  poll(id: string, clientId: string): PollOutcome {
    const request = this.#byId.get(id);
    if (!request || request.clientId !== clientId || request.used) return { outcome: 'invalid' };
    const now = Date.now();
    if (request.expiresAt <= now) return { outcome: 'expired' };
    const wait = request.lastPollAt + this.intervalSeconds * 1000 - now;
    if (wait > 0) return { outcome: 'slow_down', retryAfter: Math.ceil(wait / 1000) };
    request.lastPollAt = now;
    if (request.decision === 'denied') return { outcome: 'denied' };
    if (request.decision !== 'approved') return { outcome: 'pending' };
    return { outcome: 'approved', request };
  }

  /** Marks an approved request as having given its tokens. */
  use(request: BackchannelRequest): void {
    request.used = true;
  }

  #sweep() {
    const forgetBefore = Date.now() - REMEMBERED_MS;
    for (const [id, request] of this.#byId) {
      if (request.expiresAt <= forgetBefore) this.#byId.delete(id);
    }
  }
}
