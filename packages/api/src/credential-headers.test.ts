import { describe, expect, it } from 'vitest';
import { credentialHeaders } from './credential-headers.js';
import { readCredentials } from './request.js';

/** A Node request as `node:http` parses it: the first Authorization kept, DPoP values joined. */
const nodeRequest = (raw: string[]) => {
  const headers: Record<string, string> = {};
  for (let index = 0; index < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase();
    const value = raw[index + 1] as string;
    if (name === 'authorization') headers[name] ??= value;
    else headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { headers, rawHeaders: raw };
};

describe('credentialHeaders sees what Node folds (RFC 6750 §3.1)', () => {
  it('returns the headers themselves when nothing is repeated', () => {
    const request = nodeRequest(['Authorization', 'Bearer a', 'Accept', '*/*']);
    expect(credentialHeaders(request)).toBe(request.headers);
  });

  it.each([
    ['two Authorization headers', ['Authorization', 'Bearer a', 'Authorization', 'Bearer b']],
    ['in any letter case', ['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer junk']],
  ])('keeps %s as a list, which readCredentials refuses', (_what, raw) => {
    const request = nodeRequest(raw);
    expect(readCredentials(request.headers)).toMatchObject({ token: 'a' }); // what Node shows
    expect(() => readCredentials(credentialHeaders(request))).toThrow(
      expect.objectContaining({ code: 'invalid_request', status: 400 }),
    );
  });

  it('keeps two DPoP headers as two proofs', () => {
    const request = nodeRequest(['Authorization', 'DPoP t', 'DPoP', 'p1', 'dpop', 'p2']);
    expect(readCredentials(credentialHeaders(request)).proofs).toEqual(['p1', 'p2']);
  });
});
