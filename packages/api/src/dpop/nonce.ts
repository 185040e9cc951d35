import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Server-provided DPoP nonces (RFC 9449 §9): what the API hands out in `DPoP-Nonce` and accepts in
 * proofs. They limit how long a proof made in advance stays usable.
 */
export interface DpopNonceSource {
  /** The nonce to hand out now. `now` is in milliseconds since the epoch. */
  current(now: number): string;
  /** Whether a proof's nonce is still accepted. */
  isValid(nonce: string, now: number): boolean;
}

/** Options of {@link createDpopNonceSource}. */
export interface DpopNonceSourceOptions {
  /**
   * Key of the nonces' MAC, at least 32 bytes. Give every instance of the API the same one so that
   * each accepts the others' nonces. Default: random, per process.
   */
  secret?: string | Uint8Array;
  /** Seconds a nonce is handed out; it is accepted for up to twice as long. Default 300. */
  lifetime?: number;
}

/**
 * A stateless nonce source: a nonce is a time step and its HMAC-SHA256, so nothing is stored and
 * instances sharing `secret` agree. The current and the previous step are accepted.
 *
 * @example
 * new ApiClient({ domain, audience, dpop: { nonce: createDpopNonceSource({ secret: process.env.DPOP_NONCE_SECRET }) } });
 */
export function createDpopNonceSource(options: DpopNonceSourceOptions = {}): DpopNonceSource {
  const secret =
    options.secret === undefined
      ? randomBytes(32)
      : typeof options.secret === 'string'
        ? Buffer.from(options.secret, 'utf8')
        : Buffer.from(options.secret);
  if (secret.length < 32) throw new TypeError('DPoP nonce secret must be at least 32 bytes');
  const lifetime = (options.lifetime ?? 300) * 1000;
  if (!(lifetime > 0)) throw new TypeError('DPoP nonce lifetime must be a positive number');
  const mac = (step: string) =>
    createHmac('sha256', secret).update(step).digest().subarray(0, 16).toString('base64url');
  const stepAt = (now: number) => Math.floor(now / lifetime);
  return {
    current(now) {
      const step = stepAt(now).toString(36);
      return `${step}.${mac(step)}`;
    },
    isValid(nonce, now) {
      const [step, tag, extra] = nonce.split('.');
      if (step === undefined || tag === undefined || extra !== undefined) return false;
      const age = stepAt(now) - Number.parseInt(step, 36);
      if (!(age === 0 || age === 1)) return false;
      const expected = Buffer.from(mac(step));
      const given = Buffer.from(tag);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
