/** Options of {@link SingleFlight}. */
export interface SingleFlightOptions {
  /**
   * Milliseconds a fulfilled result keeps answering callers with the same key. Requests that a
   * browser sent at the same time may reach the server just after the shared work finished;
   * lingering lets them reuse it instead of starting it again. Default 0.
   */
  lingerMs?: number;
  /** Most lingering results kept; the oldest go first. Default 10,000. */
  maxLingering?: number;
}

/**
 * Lets concurrent callers with the same key share one run of a task: the first caller starts it,
 * the others get the same promise. A failure is never reused.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, { promise: Promise<T>; until: number }>();
  readonly #lingerMs: number;
  readonly #max: number;

  constructor(options: SingleFlightOptions = {}) {
    this.#lingerMs = options.lingerMs ?? 0;
    this.#max = options.maxLingering ?? 10_000;
  }

  /**
   * Runs `task`, or joins the run already going for `key`. With `fresh`, a lingering result from
   * a finished run is not reused (a run still going is).
   */
  run(key: string, task: () => Promise<T>, { fresh = false } = {}): Promise<T> {
    const existing = this.#flights.get(key);
    const running = existing?.until === Number.POSITIVE_INFINITY;
    if (existing && (running || (!fresh && existing.until > Date.now()))) return existing.promise;
    const flight = { promise: task(), until: Number.POSITIVE_INFINITY };
    this.#flights.delete(key);
    this.#flights.set(key, flight);
    if (this.#flights.size > this.#max) this.#evictOldest();
    flight.promise.then(
      () => {
        if (this.#lingerMs > 0) flight.until = Date.now() + this.#lingerMs;
        else this.#forget(key, flight);
      },
      () => this.#forget(key, flight),
    );
    return flight.promise;
  }

  #forget(key: string, flight: { promise: Promise<T> }) {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
  }

  #evictOldest() {
    const now = Date.now();
    for (const [key, flight] of this.#flights) {
      if (flight.until <= now) this.#flights.delete(key);
    }
    while (this.#flights.size > this.#max) {
      const oldest = this.#flights.keys().next().value as string;
      this.#flights.delete(oldest);
    }
  }
}

/** Runs tasks that share a key one after another, in call order; different keys run freely. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
