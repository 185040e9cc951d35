/**
 * A clock the tests move by hand, given to `ApiClient` as `now`: expiry, cache freshness and DPoP
 * windows are then tested without waiting and without timed assertions.
 */
export class ManualClock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  /** Milliseconds since the epoch, as `Date.now`. */
  readonly now = (): number => this.#now;

  /** Seconds since the epoch, as JWT claims count. */
  get seconds(): number {
    return Math.floor(this.#now / 1000);
  }

  /** Moves the clock forward by `seconds`. */
  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
}
