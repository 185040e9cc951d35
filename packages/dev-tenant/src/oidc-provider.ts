/**
 * oidc-provider, loaded when a tenant starts rather than when this package is imported.
 *
 * Two reasons. oidc-provider is ESM-only: a static default import compiles, in the CommonJS build,
 * to `require('oidc-provider').default`, which Node's require(esm) does not give as the class; a
 * dynamic import of its named exports works from both builds. And on Node 20 it prints "Unsupported
 * runtime. Use Node.js v22.x LTS" once, as it loads: its own test suite and everything the dev
 * tenant uses run on Node 20.19 (the engines range of this package, checked by our CI on 20.19),
 * and the warning is about support policy, not a known fault, so the tenant drops that one line
 * while it loads the module, and nothing else.
 */
type OidcProviderModule = typeof import('oidc-provider');

let loaded: OidcProviderModule | undefined;

/** Loads oidc-provider once; later calls return the same module. */
export async function loadOidcProvider(): Promise<OidcProviderModule> {
  if (loaded) return loaded;
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (
      typeof args[0] === 'string' &&
      args[0].includes('oidc-provider WARNING: Unsupported runtime')
    )
      return;
    warn.apply(console, args);
  };
  try {
    loaded = await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
  return loaded;
}

/** The module loaded by {@link loadOidcProvider}; every caller runs after a tenant has started. */
export function oidcProvider(): OidcProviderModule {
  if (!loaded) throw new Error('dev tenant: oidc-provider used before startDevTenant() loaded it');
  return loaded;
}
