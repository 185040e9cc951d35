import { ConfigurationError, isSecureOrLoopback } from '@gatehouse/base';

/** What describes the API in its RFC 9728 protected-resource metadata. */
export interface ResourceMetadataOptions {
  /**
   * The API's resource identifier (RFC 9728 §2 `resource`): an https URL without fragment, usually
   * the API's base URL (plain http only for loopback hosts). Required.
   */
  resource: string;
  /**
   * Issuers of the authorization servers clients should use (`authorization_servers`). Default:
   * the client's issuers when they are a fixed list.
   */
  authorizationServers?: string[];
  /** Scopes the API understands (`scopes_supported`). */
  scopesSupported?: string[];
  /** Human-readable name (`resource_name`). */
  resourceName?: string;
  /** URL of developer documentation (`resource_documentation`). */
  resourceDocumentation?: string;
  /** URL of the data-use policy (`resource_policy_uri`). */
  resourcePolicyUri?: string;
  /** URL of the terms of service (`resource_tos_uri`). */
  resourceTosUri?: string;
  /**
   * Where the document is served, sent as `resource_metadata=` in challenges. Default: the
   * well-known URL of RFC 9728 §3.1, `/.well-known/oauth-protected-resource` inserted before the
   * resource's path.
   */
  metadataUrl?: string;
}

/** The RFC 9728 §2 document, with its registered member names. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  /** Only the header: tokens in query strings or bodies are not read (RFC 6750 §2.3). */
  bearer_methods_supported: ['header'];
  resource_name?: string;
  resource_documentation?: string;
  resource_policy_uri?: string;
  resource_tos_uri?: string;
  dpop_signing_alg_values_supported?: string[];
  dpop_bound_access_tokens_required?: boolean;
}

/** What the document says about DPoP, from the client's settings. */
export interface DpopMetadata {
  algorithms: readonly string[];
  required: boolean;
  enabled: boolean;
}

function resourceUrl(value: unknown, option: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    url = undefined;
  }
  if (!url || typeof value !== 'string' || !isSecureOrLoopback(url) || value.includes('#')) {
    throw new ConfigurationError(
      option,
      'must be an https URL without fragment (plain http only for loopback hosts).',
    );
  }
  return url;
}

/**
 * The well-known URL of a resource's metadata (RFC 9728 §3.1): for `https://api.example.com/v1`
 * it is `https://api.example.com/.well-known/oauth-protected-resource/v1`.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = resourceUrl(resource, 'resourceMetadata.resource');
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}

/**
 * Builds the protected-resource metadata document (RFC 9728 §2) to serve, as JSON, at
 * {@link protectedResourceMetadataUrl}. Validates every URL it is given.
 *
 * @example
 * app.get('/.well-known/oauth-protected-resource', (req, res) =>
 *   res.json(buildProtectedResourceMetadata({ resource: 'https://api.example.com', authorizationServers: ['https://tenant.auth0.com/'] })));
 */
export function buildProtectedResourceMetadata(
  options: ResourceMetadataOptions,
  dpop?: DpopMetadata,
): ProtectedResourceMetadata {
  resourceUrl(options.resource, 'resourceMetadata.resource');
  const urls = {
    resource_documentation: options.resourceDocumentation,
    resource_policy_uri: options.resourcePolicyUri,
    resource_tos_uri: options.resourceTosUri,
  };
  for (const [member, value] of Object.entries(urls)) {
    if (value !== undefined) resourceUrl(value, `resourceMetadata.${member}`);
  }
  for (const server of options.authorizationServers ?? []) {
    resourceUrl(server, 'resourceMetadata.authorizationServers');
  }
  return {
    resource: options.resource,
    ...(options.authorizationServers
      ? { authorization_servers: options.authorizationServers }
      : {}),
    ...(options.scopesSupported ? { scopes_supported: options.scopesSupported } : {}),
    bearer_methods_supported: ['header'],
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
    ...Object.fromEntries(Object.entries(urls).filter(([, value]) => value !== undefined)),
    ...(dpop?.enabled
      ? {
          dpop_signing_alg_values_supported: [...dpop.algorithms],
          dpop_bound_access_tokens_required: dpop.required,
        }
      : {}),
  };
}
