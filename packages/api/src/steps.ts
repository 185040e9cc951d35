/**
 * One verification pipeline, driven one way. The pipeline is a generator that yields each piece of
 * I/O it needs (a key fetch, a domains resolver, a validator, the DPoP replay store) as a function
 * that starts it. {@link drive} runs the pipeline synchronously for as long as nothing has to be
 * waited for, so a request with fresh keys and a fixed issuer (nearly every request) is answered in
 * the same tick, and continues asynchronously only after a piece of I/O that returned a promise.
 * {@link runSync} is the same run that gives up, having started nothing, at the first piece of I/O.
 */

/** Something the pipeline waits for, not started until a driver calls it. */
export type Io = () => unknown;

/** A pipeline producing `T`. */
export type Steps<T> = Generator<Io, T, unknown>;

/** How a driven pipeline ends: `(error)` for a refusal, `(undefined, value)` for a result. */
export type Done<T> = (error: unknown, value?: T) => void;

/**
 * Waits for `start()` inside a pipeline: `const keys = yield* wait(() => issuerKeys.keysFor(kid))`.
 * Typed, unlike a bare `yield`.
 */
export function* wait<T>(start: () => T | Promise<T>): Generator<Io, Awaited<T>, unknown> {
  return (yield start) as Awaited<T>;
}

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/**
 * Runs the pipeline to its end and calls `done` once: in this tick when no I/O returned a promise,
 * later otherwise. A throw from `done` itself is not caught here.
 *
 * @example
 * drive(pipeline, (error, verified) => (error ? refuse(error) : admit(verified)));
 */
export function drive<T>(steps: Steps<T>, done: Done<T>, resumeWith?: IteratorResult<Io, T>): void {
  let step: IteratorResult<Io, T>;
  try {
    step = resumeWith ?? steps.next();
    while (!step.done) {
      let result: unknown;
      try {
        result = step.value();
      } catch (error) {
        step = steps.throw(error);
        continue;
      }
      if (isPromise(result)) {
        result.then(
          (value) => resume(steps, done, () => steps.next(value)),
          (error: unknown) => resume(steps, done, () => steps.throw(error)),
        );
        return;
      }
      step = steps.next(result);
    }
  } catch (error) {
    done(error);
    return;
  }
  done(undefined, step.value);
}

function resume<T>(steps: Steps<T>, done: Done<T>, advance: () => IteratorResult<Io, T>): void {
  let step: IteratorResult<Io, T>;
  try {
    step = advance();
  } catch (error) {
    done(error);
    return;
  }
  drive(steps, done, step);
}

/** {@link drive} as a promise. */
export function runAsync<T>(steps: Steps<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    drive(steps, (error, value) => (error === undefined ? resolve(value as T) : reject(error)));
  });
}

/** What {@link runSync} returns when the pipeline needs to wait for something. */
export const MUST_WAIT: unique symbol = Symbol('must wait');

/**
 * Runs the pipeline without waiting: its result, or {@link MUST_WAIT} at the first piece of I/O
 * (which is not started). A refusal throws here just as it rejects in {@link runAsync}.
 */
export function runSync<T>(steps: Steps<T>): T | typeof MUST_WAIT {
  const step = steps.next();
  if (step.done) return step.value;
  steps.return(undefined as never);
  return MUST_WAIT;
}
