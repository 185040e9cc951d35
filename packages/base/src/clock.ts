/**
 * Time, read in one way. Every component that needs the time takes a {@link Clock} (tests pass
 * their own); nothing reads `Date.now()` behind its caller's back.
 */

/** Milliseconds since the epoch, as `Date.now()` counts them. */
export type Clock = () => number;

/** The machine's clock. */
export const systemClock: Clock = () => Date.now();

/** A clock's time in whole seconds since the epoch, as JWTs and stored sessions count it. */
export function secondsOf(clock: Clock = systemClock): number {
  return Math.floor(clock() / 1000);
}
