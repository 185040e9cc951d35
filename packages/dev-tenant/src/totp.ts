import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them and Auth0 takes them:
 * HMAC-SHA-1 over 30-second steps, 6 digits, the secret shared as base32 (RFC 4648).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** Whether `value` is a base32 secret (letters A–Z in any case, digits 2–7, optional padding). */
export function isBase32(value: string): boolean {
  return /^[A-Za-z2-7]+=*$/.test(value);
}

/** Decodes a base32 secret; spaces, padding and case are ignored, as authenticator apps do. */
export function base32Decode(secret: string): Buffer {
  const clean = secret.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let buffer = 0;
  for (const char of clean) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) throw new TypeError(`not a base32 secret: ${JSON.stringify(char)}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Encodes bytes as base32 without padding, as `otpauth://` URIs carry secrets. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let buffer = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** A new random TOTP secret: 160 bits, the size RFC 4226 recommends, in base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The code of one 30-second step (HOTP of the step counter, RFC 4226 §5.3). */
function codeOfStep(key: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

const stepAt = (at: Date | number) =>
  Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000 / STEP_SECONDS);

/**
 * The 6-digit code an authenticator app shows for `secret` (base32) at `at` (default now), as a
 * test types it in.
 *
 * @example
 * await loginAs(browser, { startUrl, email, password, otp: () => totpCode(secret) });
 */
export function totpCode(secret: string, at: Date | number = Date.now()): string {
  return codeOfStep(base32Decode(secret), stepAt(at));
}

/**
 * Whether `code` is the code of `secret` now, or of the step before or after (clocks drift and
 * people type slowly; RFC 6238 §5.2 recommends one step either way).
 */
export function verifyTotp(secret: string, code: string, at: Date | number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = base32Decode(secret);
  const step = stepAt(at);
  return [step - 1, step, step + 1].some((candidate) =>
    timingSafeEqual(Buffer.from(codeOfStep(key, candidate)), Buffer.from(code)),
  );
}
