import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SESSION_LIFETIME,
  isCeilingInPast,
  isCeilingReached,
  sanitizeSessionExpiry,
  sessionEndReason,
  sessionEndsAt,
  shouldTouch,
} from './lifetime.js';

const rolling = { rolling: true, inactivityDuration: 100, absoluteDuration: 1000 };
const fixed = { ...rolling, rolling: false };
const internal = (createdAt: number, updatedAt: number, sessionExpiresAt?: number) => ({
  sid: 's',
  createdAt,
  updatedAt,
  ...(sessionExpiresAt ? { sessionExpiresAt } : {}),
});

describe('session lifetimes', () => {
  it('defaults to rolling, one day idle, seven days absolute', () => {
    expect(DEFAULT_SESSION_LIFETIME).toEqual({
      rolling: true,
      inactivityDuration: 86_400,
      absoluteDuration: 604_800,
    });
  });

  it('ends a rolling session after inactivity, counted from the last use', () => {
    expect(sessionEndsAt(internal(0, 500), rolling)).toBe(600);
    expect(sessionEndReason(internal(0, 500), rolling, 599)).toBeUndefined();
    expect(sessionEndReason(internal(0, 500), rolling, 600)).toBe('lifetime');
  });

  it('never extends past the absolute lifetime, counted from sign-in', () => {
    expect(sessionEndsAt(internal(0, 990), rolling)).toBe(1000);
    expect(sessionEndReason(internal(0, 999), rolling, 1000)).toBe('lifetime');
  });

  it('counts a non-rolling session from sign-in, whatever the activity', () => {
    expect(sessionEndsAt(internal(0, 900), fixed)).toBe(1000);
    expect(sessionEndReason(internal(0, 0), fixed, 999)).toBeUndefined();
    expect(shouldTouch(internal(0, 0), fixed, 500)).toBe(false);
  });

  it('caps the session at the upstream ceiling and reports it as such', () => {
    expect(sessionEndsAt(internal(0, 0, 50), rolling)).toBe(50);
    expect(sessionEndReason(internal(0, 0, 50), rolling, 20)).toBe('ceiling');
    expect(sessionEndReason(internal(0, 0, 50), rolling, 19)).toBeUndefined();
  });

  it('touches a rolling session at most once a minute', () => {
    expect(shouldTouch(internal(0, 100), rolling, 159)).toBe(false);
    expect(shouldTouch(internal(0, 100), rolling, 160)).toBe(true);
  });
});

describe('session_expiry', () => {
  it.each([
    [1_900_000_000, 1_900_000_000],
    ['1900000000', undefined],
    [1.5e9 + 0.5, undefined],
    [true, undefined],
    [0, undefined],
    [-5, undefined],
    [1_900_000_000_000, undefined],
    [null, undefined],
  ])('sanitises %s to %s', (input, expected) => {
    expect(sanitizeSessionExpiry(input)).toBe(expected);
  });

  it('is reached 30 seconds early at read time', () => {
    expect(isCeilingReached(1000, 969)).toBe(false);
    expect(isCeilingReached(1000, 970)).toBe(true);
    expect(isCeilingReached(undefined, 1e12)).toBe(false);
  });

  it('refuses a login whose ceiling is within 30 s of the ID token iat', () => {
    expect(isCeilingInPast(1030, 1000, 5000)).toBe(true);
    expect(isCeilingInPast(1031, 1000, 5000)).toBe(false);
    expect(isCeilingInPast(1031, undefined, 1000)).toBe(false);
    expect(isCeilingInPast(1031, undefined, 1001)).toBe(true);
    expect(isCeilingInPast(undefined, 1000, 1000)).toBe(false);
  });
});
