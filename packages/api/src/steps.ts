/**
 * One verification pipeline, two ways to run it. The pipeline is a generator that yields each
 * piece of I/O it needs (a key fetch, a domains resolver, a validator, the DPoP replay store) as a
 * function that starts it. {@link runAsync} starts each and resumes with its result; {@link
 * runSync} gives up at the first one, so a caller can finish a request in the same tick when
 * nothing needs waiting for (fresh keys, a fixed issuer: nearly every request), and fall back to
 * the asynchronous run otherwise. Nothing is started twice: a sync run that gives up has started
 * nothing, and the asynchronous run then starts over from the token.
 */

/** Something the pipeline waits for, not started until a driver calls it. */
export type Io = () => unknown;

/** A pipeline producing `T`. */
export type Steps<T> = Generator<Io, T, unknown>;

/**
 * Waits for `start()` inside a pipeline: `const keys = yield* wait(() => issuerKeys.keysFor(kid))`.
 * Typed, unlike a bare `yield`.
 */
export function* wait<T>(start: () => T | Promise<T>): Generator<Io, Awaited<T>, unknown> {
  return (yield start) as Awaited<T>;
}

/** Runs the pipeline to its end, waiting for each piece of I/O and throwing its failures in. */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    let result: unknown;
    try {
      result = await step.value();
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(result);
  }
  return step.value;
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
