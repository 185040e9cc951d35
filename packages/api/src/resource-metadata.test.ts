import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.js';
import {
  buildProtectedResourceMetadata,
  protectedResourceMetadataUrl,
} from './resource-metadata.js';

describe('RFC 9728 protected-resource metadata', () => {
  it('places the well-known segment before the resource path (§3.1)', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com')).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource',
    );
    expect(protectedResourceMetadataUrl('https://api.example.com/tenant/v1')).toBe(
      'https://api.example.com/.well-known/oauth-protected-resource/tenant/v1',
    );
  });

  it('builds the document with registered member names', () => {
    expect(
      buildProtectedResourceMetadata(
        {
          resource: 'https://api.example.com',
          authorizationServers: ['https://tenant.auth0.com/'],
          scopesSupported: ['read:orders'],
          resourceName: 'Orders',
          resourceDocumentation: 'https://docs.example.com',
        },
        { enabled: true, required: true, algorithms: ['ES256'] },
      ),
    ).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: ['https://tenant.auth0.com/'],
      scopes_supported: ['read:orders'],
      bearer_methods_supported: ['header'],
      resource_name: 'Orders',
      resource_documentation: 'https://docs.example.com',
      dpop_signing_alg_values_supported: ['ES256'],
      dpop_bound_access_tokens_required: true,
    });
  });

  it.each([
    [{ resource: 'api.example.com' }, 'resourceMetadata.resource'],
    [
      { resource: 'https://api.example.com', resourceTosUri: 'javascript:alert(1)' },
      'resourceMetadata.resource_tos_uri',
    ],
    [
      { resource: 'https://api.example.com', authorizationServers: ['http://tenant.example.com/'] },
      'resourceMetadata.authorizationServers',
    ],
  ])('refuses an unusable URL', (options, option) => {
    expect(() => buildProtectedResourceMetadata(options)).toThrow(ConfigurationError);
    expect(() => buildProtectedResourceMetadata(options)).toThrow(option);
  });
});
