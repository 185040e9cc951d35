import type { LogoutSelector } from '@gatehouse/core';

/**
 * Where and how a {@link RedisSessionBackend} keeps sessions and their indexes: the `spread`
 * layout (the default) or the `single-tag` one. Methods send their commands and let ioredis
 * errors through; the backend bounds them in time and turns failures into 503s.
 */
export interface SessionLayout {
  /** The stored value of session `id`, null when there is none. */
  read(id: string): Promise<string | null>;
  /**
   * Stores `stored` as session `id` of `sub` in `sid` for `ttlMs` and indexes it. False when the
   * write was refused because the id was deleted during its lifetime.
   */
  write(id: string, write: SessionWrite): Promise<boolean>;
  /** Deletes session `id` (tombstoned for the rest of its life) and its index entries. */
  remove(id: string): Promise<void>;
  /** Deletes the sessions a back-channel logout names; returns how many. */
  removeByLogout(selector: LogoutSelector): Promise<number>;
}

/** One session write. */
export interface SessionWrite {
  /** The sealed (or plain) session. */
  stored: string;
  ttlMs: number;
  sub: string;
  sid: string;
}

/**
 * How far apart the clocks of the app machines may be, in milliseconds. The spread layout's
 * indexes score entries with the expiry their writer computed; an entry is dropped as expired
 * only this long after that time, so a reader whose clock runs ahead never drops the entry of a
 * session that still lives (which would hide it from a logout).
 */
export const CLOCK_SKEW_MS = 60_000;

export const isWrongType = (error: unknown) =>
  error instanceof Error && error.message.startsWith('WRONGTYPE');
