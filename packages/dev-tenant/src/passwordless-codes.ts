import { randomInt, timingSafeEqual } from 'node:crypto';
import type { DevPasswordlessConfig } from './config.js';
import type { PasswordlessConnection } from './passwordless-users.js';

/** What checking a code finds: a match uses it up; the others say why it is refused. */
export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'locked';

interface LiveCode {
  code: string;
  expiresAt: number;
  wrongAttempts: number;
}

/** Most codes (and addresses with recent starts) kept; past it the oldest are dropped. */
const MAX_ENTRIES = 10_000;
const MINUTE_MS = 60_000;

/** An email address is one whatever its case; a phone number is as written (E.164). */
const addressKey = (connection: PasswordlessConnection, address: string) =>
  `${connection}:${connection === 'email' ? address.toLowerCase() : address}`;

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The codes of passwordless logins: one live code per client, connection and address (a new
 * start replaces it), valid for `codeLifetime` seconds, used once, locked after `maxAttempts`
 * wrong tries; and the starts of the last minute per address, of which `maxStartsPerMinute` are
 * let through.
 */
export class PasswordlessCodes {
  readonly #codes = new Map<string, LiveCode>();
  readonly #starts = new Map<string, number[]>();

  constructor(private readonly limits: Required<DevPasswordlessConfig>) {}

  /** Seconds a code lasts. */
  get codeLifetime(): number {
    return this.limits.codeLifetime;
  }

  /**
   * Counts a start for an address: undefined when it may go on, else the seconds until it may
   * (when the oldest start of the last minute leaves it).
   */
  throttle(connection: PasswordlessConnection, address: string): number | undefined {
    const key = addressKey(connection, address);
    const now = Date.now();
    const recent = (this.#starts.get(key) ?? []).filter((at) => at > now - MINUTE_MS);
    if (recent.length >= this.limits.maxStartsPerMinute) {
      this.#starts.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] as number) + MINUTE_MS - now) / 1000));
    }
    recent.push(now);
    this.#starts.delete(key);
    this.#starts.set(key, recent);
    this.#bound(this.#starts);
    return undefined;
  }

  /** A new 6-digit code for an address, replacing the client's live one for it. */
  issue(clientId: string, connection: PasswordlessConnection, address: string): string {
    const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const key = `${clientId} ${addressKey(connection, address)}`;
    this.#codes.delete(key);
    this.#codes.set(key, {
      code,
      expiresAt: Date.now() + this.limits.codeLifetime * 1000,
      wrongAttempts: 0,
    });
    this.#bound(this.#codes);
    return code;
  }

  /**
   * Checks a code the client's user gave. No live code (never sent, used, replaced) is `wrong`,
   * as a wrong code is; a late one `expired`; one tried `maxAttempts` times wrongly `locked`, even
   * with the right code now. The right code is used up.
   */
  check(clientId: string, connection: PasswordlessConnection, address: string, given: string) {
    const key = `${clientId} ${addressKey(connection, address)}`;
    const live = this.#codes.get(key);
    if (!live) return 'wrong' satisfies CodeCheck;
    if (live.expiresAt <= Date.now()) {
      this.#codes.delete(key);
      return 'expired' satisfies CodeCheck;
    }
    if (live.wrongAttempts >= this.limits.maxAttempts) return 'locked' satisfies CodeCheck;
    if (!sameCode(live.code, given)) {
      live.wrongAttempts += 1;
      return 'wrong' satisfies CodeCheck;
    }
    this.#codes.delete(key);
    return 'ok' satisfies CodeCheck;
  }

  #bound(map: Map<string, unknown>) {
    while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
  }
}

/** Auth0's words for a refused code, at the token endpoint and on a magic link. */
export function refusedCodeDescription(
  check: Exclude<CodeCheck, 'ok'>,
  connection: PasswordlessConnection,
): string {
  if (check === 'expired') return 'The verification code has expired.';
  if (check === 'locked') {
    return "You've reached the maximum number of attempts. Please try to login again.";
  }
  return connection === 'email'
    ? 'Wrong email or verification code.'
    : 'Wrong phone number or verification code.';
}
