import type { SessionInternal } from './model.js';

/** How long a session lives. All durations in seconds. */
export interface SessionLifetime {
  /**
   * Extend the session while it is used: it ends `inactivityDuration` after the last use, and never
   * later than `absoluteDuration` after sign-in. Default true.
   */
  rolling: boolean;
  /** Seconds of inactivity after which a rolling session ends. Default 1 day. */
  inactivityDuration: number;
  /** Seconds after sign-in at which any session ends, used or not. Default 7 days. */
  absoluteDuration: number;
}

export const DEFAULT_SESSION_LIFETIME: SessionLifetime = {
  rolling: true,
  inactivityDuration: 24 * 3600,
  absoluteDuration: 7 * 24 * 3600,
};

/** The upstream ceiling is honoured 30 s early, so a token is never used right at the edge. */
export const CEILING_LEEWAY_SECONDS = 30;

/** A rolling session's cookie is re-issued at most this often when it is only read. */
export const TOUCH_INTERVAL_SECONDS = 60;

/** Largest plausible `session_expiry` in seconds; larger values are milliseconds sent by mistake. */
const SESSION_EXPIRY_MAX_PLAUSIBLE = 10_000_000_000;

/** When the session ends: its lifetime and the upstream ceiling, whichever comes first. */
export function sessionEndsAt(internal: SessionInternal, lifetime: SessionLifetime): number {
  const absolute = internal.createdAt + lifetime.absoluteDuration;
  const idle = lifetime.rolling ? internal.updatedAt + lifetime.inactivityDuration : absolute;
  return Math.min(absolute, idle, internal.sessionExpiresAt ?? Number.POSITIVE_INFINITY);
}

/** Why a stored session can no longer be used, or undefined while it is alive. */
export function sessionEndReason(
  internal: SessionInternal,
  lifetime: SessionLifetime,
  now: number,
): 'ceiling' | 'lifetime' | undefined {
  if (isCeilingReached(internal.sessionExpiresAt, now)) return 'ceiling';
  if (now >= internal.createdAt + lifetime.absoluteDuration) return 'lifetime';
  if (lifetime.rolling && now >= internal.updatedAt + lifetime.inactivityDuration)
    return 'lifetime';
  return undefined;
}

/** Whether a read should re-issue a rolling session to push its inactivity deadline out. */
export function shouldTouch(internal: SessionInternal, lifetime: SessionLifetime, now: number) {
  return lifetime.rolling && now - internal.updatedAt >= TOUCH_INTERVAL_SECONDS;
}

/**
 * Keeps `session_expiry` only when it is a plausible time in seconds: an integer, above zero,
 * below 10^10. Anything else means "no ceiling", as the Python SDK decides.
 */
export function sanitizeSessionExpiry(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value > 0 &&
    value < SESSION_EXPIRY_MAX_PLAUSIBLE
    ? value
    : undefined;
}

/** At read time: the ceiling is reached 30 s before it. */
export function isCeilingReached(ceiling: number | undefined, now: number): boolean {
  return ceiling !== undefined && now >= ceiling - CEILING_LEEWAY_SECONDS;
}

/**
 * At login: a ceiling within 30 s of the ID token's `iat` (or of now) would end the session as it
 * starts, so the login is refused instead.
 */
export function isCeilingInPast(
  ceiling: number | undefined,
  issuedAt: number | undefined,
  now: number,
) {
  return ceiling !== undefined && ceiling <= (issuedAt ?? now) + CEILING_LEEWAY_SECONDS;
}
