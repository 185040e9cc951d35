/**
 * `WWW-Authenticate` challenges (RFC 6750 §3, RFC 9449 §7.1, RFC 9728 §5.1). Every value that goes
 * into a header passes through one of the escapers below, so a challenge is always one well-formed
 * header line whatever the configuration or the request held.
 */

/** How DPoP is accepted; decides which challenges are sent. */
export type DpopMode = 'allowed' | 'required' | 'disabled';

/** The parts of a challenge that come from the client's configuration. */
export interface ChallengeSettings {
  /** `realm` of every challenge. */
  realm: string;
  /** `disabled` sends only Bearer, `required` only DPoP, `allowed` both (RFC 9449 §7.2). */
  dpopMode: DpopMode;
  /** `algs` of the DPoP challenge. */
  dpopAlgorithms: readonly string[];
  /** `resource_metadata` of every challenge (RFC 9728 §5.1), when configured. */
  resourceMetadataUrl?: string;
}

/** The error part of a challenge; absent when the request simply had no credentials. */
export interface ChallengeErrorParams {
  error?: string | undefined;
  description?: string | undefined;
  /** Scopes needed, for `insufficient_scope` (RFC 6750 §3). */
  scope?: readonly string[] | undefined;
}

/** Which scheme the request used, when known: the error goes on that scheme's challenge. */
export type RequestScheme = 'bearer' | 'dpop';

const DEFAULT_SETTINGS: ChallengeSettings = {
  realm: 'api',
  dpopMode: 'disabled',
  dpopAlgorithms: [],
};

/** Errors that only make sense on the DPoP challenge, whatever scheme the request used. */
const DPOP_ERRORS = new Set(['invalid_dpop_proof', 'use_dpop_nonce']);

/**
 * A quoted-string (RFC 9110 §5.6.4) carrying only printable ASCII: controls (CR, LF, ...) and
 * non-ASCII are dropped rather than escaped, since no escape makes them safe in a header.
 */
export function quoteHeaderValue(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/** An `error_description` kept to the characters RFC 6750 §3 allows (no `"` and no `\`). */
export function sanitizeDescription(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** A `scope` token kept to RFC 6750 §3's NQCHAR set; the empty result is dropped by the caller. */
function sanitizeScopeToken(value: string): string {
  return value.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, '');
}

function challenge(
  scheme: 'Bearer' | 'DPoP',
  settings: ChallengeSettings,
  error: ChallengeErrorParams | undefined,
): string {
  const params = [`realm=${quoteHeaderValue(settings.realm)}`];
  if (error?.error) {
    params.push(`error=${quoteHeaderValue(sanitizeScopeToken(error.error))}`);
    if (error.description) {
      params.push(`error_description="${sanitizeDescription(error.description)}"`);
    }
    const scope = (error.scope ?? []).map(sanitizeScopeToken).filter(Boolean);
    if (scope.length > 0) params.push(`scope="${scope.join(' ')}"`);
  }
  if (scheme === 'DPoP' && settings.dpopAlgorithms.length > 0) {
    params.push(`algs=${quoteHeaderValue(settings.dpopAlgorithms.join(' '))}`);
  }
  if (settings.resourceMetadataUrl) {
    params.push(`resource_metadata=${quoteHeaderValue(settings.resourceMetadataUrl)}`);
  }
  return `${scheme} ${params.join(', ')}`;
}

/**
 * The `WWW-Authenticate` value for a response: one challenge per accepted scheme, joined with `, `
 * (RFC 9110 §11.6.1), the error on the challenge of the scheme the request used.
 *
 * @example
 * buildChallenges({ realm: 'api', dpopMode: 'allowed', dpopAlgorithms: ['ES256'] }, undefined);
 * // 'Bearer realm="api", DPoP realm="api", algs="ES256"'
 */
export function buildChallenges(
  settings: ChallengeSettings,
  error: ChallengeErrorParams | undefined,
  scheme?: RequestScheme,
): string {
  if (settings.dpopMode === 'disabled') return challenge('Bearer', settings, error);
  if (settings.dpopMode === 'required') return challenge('DPoP', settings, error);
  const onDpop = error?.error !== undefined && (DPOP_ERRORS.has(error.error) || scheme === 'dpop');
  return [
    challenge('Bearer', settings, onDpop ? undefined : error),
    challenge('DPoP', settings, onDpop ? error : undefined),
  ].join(', ');
}

/** A Bearer challenge with the default realm: what errors carry before a client configures them. */
export function bearerChallenge(error?: ChallengeErrorParams): string {
  return buildChallenges(DEFAULT_SETTINGS, error);
}
