import { describe, expect, it } from 'vitest';
import { buildChallenges, quoteHeaderValue, sanitizeDescription } from './challenge.js';

const settings = { realm: 'api', dpopAlgorithms: ['ES256'] } as const;

describe('buildChallenges', () => {
  it('puts the error on the challenge of the scheme used (RFC 9449 §7.2)', () => {
    const error = { error: 'invalid_token', description: 'Bad' };
    expect(buildChallenges({ ...settings, dpopMode: 'allowed' }, error, 'bearer')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Bad", DPoP realm="api", algs="ES256"',
    );
    expect(buildChallenges({ ...settings, dpopMode: 'allowed' }, error, 'dpop')).toBe(
      'Bearer realm="api", DPoP realm="api", error="invalid_token", error_description="Bad", algs="ES256"',
    );
  });

  it('always puts DPoP-only errors on the DPoP challenge', () => {
    expect(
      buildChallenges({ ...settings, dpopMode: 'allowed' }, { error: 'use_dpop_nonce' }, 'bearer'),
    ).toBe('Bearer realm="api", DPoP realm="api", error="use_dpop_nonce", algs="ES256"');
  });

  it('sends one scheme in the disabled and required modes', () => {
    expect(buildChallenges({ ...settings, dpopMode: 'disabled' }, undefined)).toBe(
      'Bearer realm="api"',
    );
    expect(buildChallenges({ ...settings, dpopMode: 'required' }, undefined)).toBe(
      'DPoP realm="api", algs="ES256"',
    );
  });

  it('keeps scope tokens and descriptions to their RFC 6750 §3 characters', () => {
    const header = buildChallenges(
      { ...settings, dpopMode: 'disabled' },
      {
        error: 'insufficient_scope',
        description: 'a "quoted"\\ line\r\nbreak é',
        scope: ['read"x', 'ok', '\r\n'],
      },
    );
    expect(header).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="a quoted linebreak ", scope="readx ok"',
    );
  });
});

describe('escapers', () => {
  it('quoteHeaderValue escapes quotes and backslashes and drops controls and non-ASCII', () => {
    expect(quoteHeaderValue('a"b\\c\r\nd\u00e9')).toBe('"a\\"b\\\\cd"');
  });

  it('sanitizeDescription drops what RFC 6750 does not allow', () => {
    expect(sanitizeDescription('ok "no" \\ \x7f\t')).toBe('ok no  ');
  });
});
