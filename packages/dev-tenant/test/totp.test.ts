import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode } from '../src/testing/index.js';
import { base32Decode, base32Encode, isBase32, verifyTotp } from '../src/totp.js';

/** RFC 6238 appendix B's SHA-1 secret, "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '287082'],
    [1_111_111_109, '081804'],
    [1_234_567_890, '005924'],
    [2_000_000_000, '279037'],
  ])('gives the RFC test vector at %i s (the last 6 of its 8 digits)', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
    expect(totpCode(RFC_SECRET, new Date(seconds * 1000))).toBe(code);
  });

  it('takes the code of the step before and after, not two steps away', () => {
    const at = 1_234_567_890_000;
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at - 30_000), at)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at + 30_000), at)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at - 60_000), at)).toBe(false);
    expect(verifyTotp(RFC_SECRET, 'abcdef', at)).toBe(false);
  });

  it('reads base32 in any case, with spaces and padding, and writes it back', () => {
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString()).toBe(
      '12345678901234567890',
    );
    expect(base32Encode(Buffer.from('12345678901234567890'))).toBe(RFC_SECRET);
    const secret = newTotpSecret();
    expect(secret).toHaveLength(32);
    expect(isBase32(secret)).toBe(true);
  });
});
