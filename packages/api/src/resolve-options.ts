import {
  type AsymmetricAlgorithm,
  ConfigurationError,
  configuredTenantAddress,
  DEFAULT_KEY_POLICY,
  type HttpPolicy,
  isAsymmetricAlgorithm,
  isLogger,
  type KeyPolicy,
  type Logger,
  MemoryReplayStore,
  type ReplayStore,
} from '@gatehouse/base';
import type { ChallengeSettings, DpopMode } from './challenge.js';
import { createDpopNonceSource, type DpopNonceSource } from './dpop/nonce.js';
import type { ProofPolicy } from './dpop/proof.js';
import { IssuerPolicy } from './issuers.js';
import type { ClaimsPolicy } from './jwt/claims.js';
import type { ApiClientOptions, ClaimValidator } from './options.js';
import { protectedResourceMetadataUrl, type ResourceMetadataOptions } from './resource-metadata.js';

/** The application credentials Token Vault authenticates. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** The options once checked, with every default applied. */
export interface ResolvedOptions {
  /** Issuer of `domain`, for Token Vault. */
  domainIssuer: string | undefined;
  issuers: IssuerPolicy;
  algorithms: ReadonlySet<AsymmetricAlgorithm>;
  claims: ClaimsPolicy;
  validators: readonly ClaimValidator[];
  maxTokenLength: number;
  challenge: ChallengeSettings;
  dpop: {
    mode: DpopMode;
    proof: ProofPolicy;
    nonce: DpopNonceSource | undefined;
    replayStore: ReplayStore;
  };
  keyPolicy: KeyPolicy;
  maxIssuers: number;
  verifiedTokens: number;
  http: HttpPolicy;
  client: ClientCredentials | undefined;
  resourceMetadata: ResourceMetadataOptions | undefined;
  logger: Logger | undefined;
  now: () => number;
}

const OPTION_NAMES = new Set<string>([
  'domain',
  'domains',
  'audience',
  'algorithms',
  'clockTolerance',
  'maxTokenAge',
  'strict',
  'validators',
  'maxTokenLength',
  'realm',
  'dpop',
  'cache',
  'clientId',
  'clientSecret',
  'fetch',
  'httpTimeout',
  'maxResponseBytes',
  'resourceMetadata',
  'logger',
  'now',
] satisfies (keyof ApiClientOptions)[]);

const DEFAULT_DPOP_ALGORITHMS: AsymmetricAlgorithm[] = ['ES256', 'EdDSA', 'PS256', 'RS256'];

/** A number option: finite, at least `min`, or its default when absent. */
function number(value: unknown, fallback: number, option: string, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ConfigurationError(option, `must be a finite number of at least ${min}.`);
  }
  return value;
}

function algorithms(value: unknown, fallback: AsymmetricAlgorithm[], option: string) {
  if (value === undefined) return new Set(fallback);
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError(option, 'must be a non-empty list of algorithms.');
  }
  for (const alg of value) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new ConfigurationError(
        option,
        `${JSON.stringify(alg)} is not accepted: only asymmetric algorithms (RS*, PS*, ES*, EdDSA) are, never none or HS*.`,
      );
    }
  }
  return new Set(value as AsymmetricAlgorithm[]);
}

function audiences(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((item) => typeof item !== 'string' || item === '')
  ) {
    throw new ConfigurationError(
      'audience',
      'is required: the API identifier, or a list of them (e.g. "https://api.example.com").',
    );
  }
  return list as string[];
}

function issuerPolicy(options: ApiClientOptions): IssuerPolicy {
  const { domain, domains } = options;
  if (typeof domains === 'function') return new IssuerPolicy(undefined, domains);
  if (domains !== undefined) {
    if (!Array.isArray(domains) || domains.length === 0) {
      throw new ConfigurationError(
        'domains',
        'must be a non-empty list of domains, or a resolver.',
      );
    }
    return new IssuerPolicy(
      domains.map((item, index) => configuredTenantAddress(item, `domains[${index}]`).issuer),
      undefined,
    );
  }
  if (domain === undefined) {
    throw new ConfigurationError(
      'domain',
      'is required (e.g. "tenant.auth0.com"), or give domains.',
    );
  }
  return new IssuerPolicy([configuredTenantAddress(domain, 'domain').issuer], undefined);
}

function realm(value: unknown): string {
  if (value === undefined) return 'api';
  if (typeof value !== 'string' || !/^[\x20-\x7e]*$/.test(value)) {
    throw new ConfigurationError('realm', 'must be a string of printable ASCII characters.');
  }
  return value;
}

function dpopSettings(options: ApiClientOptions, now: () => number): ResolvedOptions['dpop'] {
  const dpop = options.dpop ?? {};
  const mode = dpop.mode ?? 'allowed';
  if (!['allowed', 'required', 'disabled'].includes(mode)) {
    throw new ConfigurationError('dpop.mode', 'must be "allowed", "required" or "disabled".');
  }
  const { nonce, replayStore } = dpop;
  if (nonce !== undefined && typeof nonce !== 'boolean') {
    if (typeof nonce?.current !== 'function' || typeof nonce.isValid !== 'function') {
      throw new ConfigurationError('dpop.nonce', 'must be a boolean or a DpopNonceSource.');
    }
  }
  if (replayStore !== undefined && typeof replayStore?.markUsed !== 'function') {
    throw new ConfigurationError(
      'dpop.replayStore',
      'must have a markUsed(key, expiresAt) method.',
    );
  }
  return {
    mode,
    proof: {
      algorithms: algorithms(dpop.algorithms, DEFAULT_DPOP_ALGORITHMS, 'dpop.algorithms'),
      maxAge: number(dpop.iatWindow?.maxAge, 300, 'dpop.iatWindow.maxAge'),
      leeway: number(dpop.iatWindow?.leeway, 30, 'dpop.iatWindow.leeway'),
    },
    nonce: nonce === true ? createDpopNonceSource() : nonce || undefined,
    replayStore: replayStore ?? new MemoryReplayStore({ now }),
  };
}

function keyPolicy(options: ApiClientOptions): KeyPolicy {
  const cache = options.cache ?? {};
  const defaults = DEFAULT_KEY_POLICY;
  const maxAge = number(cache.maxAge, defaults.maxAge, 'cache.maxAge');
  const minAge = number(cache.minAge, Math.min(defaults.minAge, maxAge), 'cache.minAge');
  if (minAge > maxAge)
    throw new ConfigurationError('cache.minAge', 'must not exceed cache.maxAge.');
  return {
    maxAge,
    minAge,
    staleIfError: number(cache.staleIfError, defaults.staleIfError, 'cache.staleIfError'),
    failureBackoff: number(cache.failureBackoff, defaults.failureBackoff, 'cache.failureBackoff'),
    refetchCooldown: number(
      cache.refetchCooldown,
      defaults.refetchCooldown,
      'cache.refetchCooldown',
    ),
    refetchesPerMinute: number(
      cache.refetchesPerMinute,
      defaults.refetchesPerMinute,
      'cache.refetchesPerMinute',
      1,
    ),
    unknownKeyIds: number(cache.unknownKeyIds, defaults.unknownKeyIds, 'cache.unknownKeyIds'),
    unknownKeyIdTtl: number(
      cache.unknownKeyIdTtl,
      defaults.unknownKeyIdTtl,
      'cache.unknownKeyIdTtl',
    ),
  };
}

function clientCredentials(options: ApiClientOptions): ClientCredentials | undefined {
  const { clientId, clientSecret, domain } = options;
  if (clientId === undefined && clientSecret === undefined) return undefined;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new ConfigurationError('clientId', 'is required with clientSecret.');
  }
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new ConfigurationError(
      'clientSecret',
      'is required with clientId (Token Vault authenticates the API).',
    );
  }
  if (domain === undefined) {
    throw new ConfigurationError(
      'domain',
      'is required with clientId: Token Vault is called on that tenant.',
    );
  }
  return { clientId, clientSecret };
}

/**
 * Checks every option and applies the defaults. Throws a {@link ConfigurationError} naming the
 * option at fault, so a misconfiguration fails at start-up, never at the first request.
 */
export function resolveOptions(options: ApiClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object.');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name))
      throw new ConfigurationError(name, 'is not an option of ApiClient.');
  }
  for (const name of ['fetch', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigurationError(name, 'must be a function.');
    }
  }
  if (options.logger !== undefined && !isLogger(options.logger)) {
    throw new ConfigurationError('logger', 'must have debug, info, warn and error methods.');
  }
  if (
    options.validators !== undefined &&
    (!Array.isArray(options.validators) || options.validators.some((v) => typeof v !== 'function'))
  ) {
    throw new ConfigurationError('validators', 'must be a list of functions.');
  }
  const now = options.now ?? Date.now;
  const dpop = dpopSettings(options, now);
  const issuers = issuerPolicy(options);
  const maxAge = options.maxTokenAge;
  const resourceMetadata = options.resourceMetadata;
  return {
    domainIssuer:
      options.domain === undefined ? undefined : configuredTenantAddress(options.domain).issuer,
    issuers,
    algorithms: algorithms(options.algorithms, ['RS256'], 'algorithms'),
    claims: {
      audiences: audiences(options.audience),
      clockTolerance: number(options.clockTolerance, 5, 'clockTolerance'),
      maxTokenAge: maxAge === undefined ? undefined : number(maxAge, 0, 'maxTokenAge', 1),
      strict: options.strict === true,
    },
    validators: options.validators ?? [],
    maxTokenLength: number(options.maxTokenLength, 16_384, 'maxTokenLength', 256),
    challenge: {
      realm: realm(options.realm),
      dpopMode: dpop.mode,
      dpopAlgorithms: [...dpop.proof.algorithms],
      ...(resourceMetadata
        ? {
            resourceMetadataUrl:
              resourceMetadata.metadataUrl ??
              protectedResourceMetadataUrl(resourceMetadata.resource),
          }
        : {}),
    },
    dpop,
    keyPolicy: keyPolicy(options),
    maxIssuers: number(options.cache?.maxIssuers, 100, 'cache.maxIssuers', 1),
    verifiedTokens: number(options.cache?.verifiedTokens, 0, 'cache.verifiedTokens'),
    http: {
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      timeout: number(options.httpTimeout, 5000, 'httpTimeout', 1),
      maxResponseBytes: number(options.maxResponseBytes, 65_536, 'maxResponseBytes', 1024),
    },
    client: clientCredentials(options),
    resourceMetadata,
    logger: options.logger,
    now,
  };
}
