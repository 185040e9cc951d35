import type { Logger } from '@gatehouse/base';
import { nowSeconds } from '../clock.js';
import {
  type SessionLifetime,
  sessionEndReason,
  sessionEndsAt,
  shouldTouch,
} from '../session/lifetime.js';
import { publicSession, type Session, type SessionData } from '../session/model.js';
import type { LogoutRevocations } from './revocations.js';
import type { LogoutSelector, StateStore } from './types.js';

/** What a session read found: the live session, or why there is none. */
export interface LoadedSession {
  session?: SessionData;
  ended?: 'ceiling' | 'lifetime' | 'logout';
}

/**
 * Sessions as the client sees them: a state store plus the rules every read applies. `load` is
 * the one place that checks lifetimes, the upstream ceiling and back-channel logouts, so no
 * method can forget one.
 */
export class Sessions<TStoreOptions> {
  constructor(
    private readonly store: StateStore<TStoreOptions>,
    readonly lifetime: SessionLifetime,
    private readonly revocations: LogoutRevocations | undefined,
    private readonly logger: Logger | undefined,
  ) {}

  /**
   * Loads the session, ends it when its lifetime, the upstream ceiling (unless `enforceCeiling` is
   * false) or a back-channel logout says so, and extends a rolling session that is being used.
   */
  async load(storeOptions: TStoreOptions, { enforceCeiling = true } = {}): Promise<LoadedSession> {
    const session = await this.store.get(storeOptions);
    if (!session) return {};
    const now = nowSeconds();
    const ended =
      sessionEndReason(
        enforceCeiling ? session.internal : { ...session.internal, sessionExpiresAt: undefined },
        this.lifetime,
        now,
      ) ??
      ((await this.revocations?.isRevoked({
        sub: session.user.sub,
        sid: session.internal.sid,
        createdAt: createdAtOf(session),
      }))
        ? 'logout'
        : undefined);
    if (ended) {
      this.logger?.debug({ reason: ended }, 'gatehouse: session ended');
      await this.store.delete(storeOptions);
      return { ended };
    }
    if (shouldTouch(session.internal, this.lifetime, now)) {
      session.internal.updatedAt = now;
      await this.save(session, storeOptions, { touch: true });
    }
    return { session };
  }

  /** The public view of a session, with its begin and end times. */
  view(session: SessionData): Session {
    return publicSession(session, sessionEndsAt(session.internal, this.lifetime));
  }

  /** The stored session as it is, without the read rules (to re-read inside a refresh). */
  peek(storeOptions: TStoreOptions): Promise<SessionData | undefined> {
    return this.store.get(storeOptions);
  }

  /** Writes a session; its cookie or TTL follows its lifetime and ceiling. */
  save(
    session: SessionData,
    storeOptions: TStoreOptions,
    { rotateId = false, touch = false } = {},
  ): Promise<void> {
    return this.store.set(
      session,
      {
        expiresAt: sessionEndsAt(session.internal, this.lifetime),
        rotateId,
        ...(touch && { touch }),
      },
      storeOptions,
    );
  }

  /**
   * Applies a result shared between concurrent callers to this caller's own session. The caller
   * that did the work stored it already (`change` returns undefined); callers that joined from
   * another request store it in theirs. A session that ended meanwhile (logged out, deleted) stays
   * ended: nothing is written back.
   */
  async saveIfChanged(
    storeOptions: TStoreOptions,
    change: (current: SessionData) => SessionData | undefined,
  ): Promise<void> {
    const current = await this.store.get(storeOptions);
    const next = current && change(current);
    if (next) await this.save(next, storeOptions);
  }

  delete(storeOptions: TStoreOptions): Promise<void> {
    return this.store.delete(storeOptions);
  }

  /** Ends the sessions a back-channel logout names; returns how many were deleted outright. */
  async endByLogout(selector: LogoutSelector): Promise<number> {
    const deleted = (await this.store.deleteByLogout?.(selector)) ?? 0;
    // In milliseconds (as a fraction of a second), as sessions record their start: a login in
    // the same second after this logout is not taken for one before it.
    await this.revocations?.revoke(selector, Date.now() / 1000, this.lifetime.absoluteDuration);
    return deleted;
  }
}

/** When a session began, in seconds with millisecond precision where the session recorded it. */
const createdAtOf = (session: SessionData): number =>
  typeof session.internal.createdAtMs === 'number'
    ? session.internal.createdAtMs / 1000
    : session.internal.createdAt;
