import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { linkingParams } from './account-linking.js';
import { tenantAccount } from './accounts.js';
import { adminApi } from './admin.js';
import { auth0Compatibility, NO_AUDIENCE } from './auth0-compat.js';
import { BackchannelDeliveries } from './backchannel-deliveries.js';
import { BC_AUTHORIZE_PATH, backchannelAuthorizeEndpoint } from './ciba-endpoint.js';
import { CIBA_GRANT, registerCibaGrant } from './ciba-grant.js';
import { backchannelPages } from './ciba-pages.js';
import { extraIdTokenClaims, type ResolvedTenantConfig } from './config.js';
import { assertBoundWhenRequired } from './dpop/token-binding.js';
import { escapeHtml, favicon, page } from './html.js';
import { tenantInteractionPolicy } from './interaction-policy.js';
import { interactions } from './interactions.js';
import { invitationsApi } from './invitations.js';
import { mfaApi } from './mfa-api.js';
import { MFA_GRANTS, registerMfaGrants } from './mfa-grants.js';
import { MFA_ACR } from './mfa-login.js';
import { myAccountApi } from './my-account-api.js';
import { oidcProvider } from './oidc-provider.js';
import { organizationParams } from './organization-login.js';
import { requestedOrganization } from './organizations.js';
import { passkeyApi } from './passkey-api.js';
import { registerPasskeyGrant, WEBAUTHN_GRANT } from './passkey-grant.js';
import { passwordlessApi } from './passwordless-api.js';
import { PASSWORDLESS_OTP_GRANT, registerPasswordlessGrant } from './passwordless-grant.js';
import { sendLogoutsFromSessionDomain } from './session-domains.js';
import { sessionTransferParams, transferredActor } from './session-transfer.js';
import { findApi, resourceServerOf, type TenantState } from './tenant-state.js';
import { registerTokenExchange, TOKEN_EXCHANGE_GRANT } from './token-exchange.js';
import { registerTokenVault, TOKEN_VAULT_GRANT, upstreamApi } from './token-vault.js';

/** Auth0's endpoint paths, so SDKs (and our tests) address the dev tenant as a real tenant. */
const AUTH0_ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  end_session: '/oidc/logout',
  pushed_authorization_request: '/oauth/par',
  revocation: '/oauth/revoke',
  backchannel_authentication: BC_AUTHORIZE_PATH,
} as const;

function clientMetadata(config: ResolvedTenantConfig): ClientMetadata[] {
  return config.clients.map((client) => {
    const method =
      client.tokenEndpointAuthMethod ?? (client.jwks ? 'private_key_jwt' : 'client_secret_basic');
    return {
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      ...(client.jwks ? { jwks: client.jwks as ClientMetadata['jwks'] } : {}),
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.allowedLogoutUrls ?? [],
      ...(client.backchannelLogoutUri
        ? {
            backchannel_logout_uri: client.backchannelLogoutUri,
            backchannel_logout_session_required: true,
          }
        : {}),
      grant_types: [
        'authorization_code',
        'refresh_token',
        'client_credentials',
        TOKEN_VAULT_GRANT,
        TOKEN_EXCHANGE_GRANT,
        ...MFA_GRANTS,
        CIBA_GRANT,
        PASSWORDLESS_OTP_GRANT,
        WEBAUTHN_GRANT,
      ],
      backchannel_token_delivery_mode: 'poll',
      response_types: ['code'],
      token_endpoint_auth_method: method,
    };
  });
}

/** Claim names released per scope; extra per-user claims ride on `openid`, as Auth0 rules do. */
function claimsByScope(config: ResolvedTenantConfig): Configuration['claims'] {
  const extra = new Set<string>(['session_expiry']);
  for (const user of config.users) {
    for (const name of Object.keys(extraIdTokenClaims(user))) extra.add(name);
  }
  return {
    acr: null,
    amr: null,
    auth_time: null,
    iss: null,
    sid: null,
    // Auth0's claims of a login to an organization (see `organizations.ts`).
    org_id: null,
    org_name: null,
    // `act`: who acts for the user, in the tokens of a grant given by delegation.
    // A passwordless SMS user's phone number, which Auth0 puts in their ID tokens.
    openid: ['sub', 'act', 'phone_number', 'phone_number_verified', ...extra],
    email: ['email', 'email_verified'],
    profile: ['name', 'nickname', 'picture', 'updated_at'],
  };
}

/** The grant a token was issued from, when it is one that names one. */
function grantIdOf(token: unknown): string | undefined {
  const grantId = (token as { grantId?: unknown } | undefined)?.grantId;
  return typeof grantId === 'string' ? grantId : undefined;
}

/** oidc-provider's CIBA callbacks, which the tenant's own endpoint leaves unused. */
async function unreachable(): Promise<never> {
  throw new Error('dev tenant: /bc-authorize is served by backchannelAuthorizeEndpoint');
}

function logoutPage(ctx: KoaContextWithOIDC, form: string) {
  // oidc-provider renders a confirmation form; like Auth0 we log out without asking, so the page
  // submits itself (`logout=yes` ends the whole tenant session, not just this client's part).
  // Test clients without JavaScript submit it through the `data-autosubmit` marker.
  const autoForm = form
    .replace('<form', '<form data-autosubmit')
    .replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  ctx.body = page(
    'Signing out',
    `${autoForm}<p>Signing you out…</p>
     <noscript><button form="op.logoutForm">Continue</button></noscript>
     <script>document.forms[0].submit()</script>`,
  );
}

/**
 * Builds an oidc-provider instance that behaves like an Auth0 tenant, for one of its domains:
 * `issuer` is that domain's, everything else is the tenant's `state`, shared by every domain.
 */
export function createProvider(issuer: string, state: TenantState): Provider {
  const { config } = state;

  const configuration: Configuration = {
    adapter: state.storage.adapterFactory,
    clients: clientMetadata(config),
    jwks: state.keys.privateJwks as Configuration['jwks'],
    cookies: { keys: state.cookieKeys },
    routes: AUTH0_ROUTES,
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: claimsByScope(config),
    // The acr of a login with a second factor; a login without one has no acr, as at Auth0.
    acrValues: [MFA_ACR],
    // Auth0 puts profile claims in the ID token even when an access token is issued too.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    extraParams: {
      ...organizationParams(state),
      ...sessionTransferParams(),
      ...linkingParams(state),
    },
    interactions: {
      policy: tenantInteractionPolicy(state),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    async loadExistingGrant(ctx) {
      const consented = ctx.oidc.result?.consent?.grantId;
      // A login by a session transfer token with an actor gets a grant of its own, for `act`.
      if (!consented && transferredActor(ctx.oidc.result)) return undefined;
      const grantId =
        consented ??
        (ctx.oidc.client ? ctx.oidc.session?.grantIdFor(ctx.oidc.client.clientId) : undefined);
      if (!grantId) return undefined;
      // A grant belongs to one organization (or none), so that its tokens carry that one's claims:
      // a login to another one gets a new grant, through the consent step.
      const organization = requestedOrganization(state.organizations, ctx.oidc.params ?? {});
      if (state.organizations.ofGrant(grantId) !== organization) return undefined;
      return ctx.oidc.provider.Grant.find(grantId);
    },
    async findAccount(_ctx, sub, token) {
      // The code or refresh token being exchanged names its grant, and so the organization.
      return tenantAccount(state, sub, grantIdOf(token));
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      // Machine-to-machine tokens for the APIs, as Auth0's client credentials grant; with a
      // `DPoP` proof on the token request they are DPoP-bound (`cnf.jkt`, RFC 9449).
      clientCredentials: { enabled: true },
      // oidc-provider checks the proofs of its own grants; the tenant's grants check theirs in
      // `dpop/token-binding.ts`, against the same nonces (`dpop/nonces.ts`) and replay store.
      dPoP: state.dpopNonces
        ? { enabled: true, nonceSecret: state.dpopNonces.secret, requireNonce: () => true }
        : { enabled: true },
      backchannelLogout: { enabled: true },
      // Enabled so that clients may use CIBA's grant and discovery lists the endpoint; the
      // endpoint and the grant are the tenant's own, answering as Auth0's (`ciba-endpoint.ts`,
      // `ciba-grant.ts`), so oidc-provider's callbacks are never reached.
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        processLoginHint: unreachable,
        triggerAuthenticationDevice: unreachable,
        validateBindingMessage: unreachable,
        verifyUserCode: unreachable,
        validateRequestContext: unreachable,
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: logoutPage,
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<h1>You are signed out</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        async defaultResource(_ctx, _client, oneOf) {
          // A widened refresh token lists its login's audience first (see NO_AUDIENCE).
          if (!oneOf) return undefined as unknown as string;
          const [first] = oneOf;
          return (first === NO_AUDIENCE ? undefined : first) as string;
        },
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx, indicator) {
          const api = findApi(state, indicator);
          if (!api)
            throw new (oidcProvider().errors.InvalidTarget)(`Service not found: ${indicator}`);
          return resourceServerOf(api);
        },
      },
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 86_400,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 86_400,
      AuthorizationCode: 60,
      IdToken: config.idTokenLifetime,
      RefreshToken: config.refreshTokenLifetime,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: config.refreshTokenLifetime,
    },
    // oidc-provider refuses outgoing requests to loopback addresses (SSRF protection); the dev
    // tenant's back-channel logout targets are apps on this machine, so it sends plainly.
    // Back-channel logouts go through `state.deliveries`, which redelivers the ones not taken.
    fetch: (url, init) => {
      const { dispatcher: _dispatcher, ...options } = (init ?? {}) as RequestInit & {
        dispatcher?: unknown;
      };
      return BackchannelDeliveries.isLogout(options)
        ? state.deliveries.deliver(url, options)
        : globalThis.fetch(url, options);
    },
    async issueRefreshToken(_ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access');
    },
    rotateRefreshToken(ctx) {
      const clientId = ctx.oidc.client?.clientId;
      return (
        config.clients.find((client) => client.clientId === clientId)?.refreshTokenRotation === true
      );
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind === 'AccessToken' || token.kind === 'ClientCredentials') {
        assertBoundWhenRequired(state, token);
      }
      // Auth0's JWT access tokens name the client in `azp` as well as `client_id`, the
      // organization of the login in `org_id` and `org_name`, and an actor in `act`.
      return 'clientId' in token && token.kind === 'AccessToken'
        ? {
            azp: token.clientId,
            ...state.organizations.claimsOf(token.grantId),
            ...state.delegations.claimsOf(token.grantId),
          }
        : undefined;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const rows = Object.entries(out)
        .map(
          ([key, value]) =>
            `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`,
        )
        .join('');
      ctx.body = page('Error', `<h1>Something went wrong</h1>${rows}`);
    },
  };

  const provider = new (oidcProvider().Provider)(issuer, configuration);
  registerTokenVault(provider, state, state.accounts);
  registerMfaGrants(provider, state);
  registerTokenExchange(provider, state);
  registerCibaGrant(provider, state);
  registerPasswordlessGrant(provider, state);
  registerPasskeyGrant(provider, state);
  sendLogoutsFromSessionDomain(provider, state);
  provider.on('backchannel.error', (_ctx, error, client) => {
    // The logout itself succeeds; the app that missed it is told on the tenant's console.
    console.warn(
      `dev tenant: back-channel logout to ${client.clientId} failed: ${(error as Error).message}`,
    );
  });
  provider.use(favicon());
  provider.use(auth0Compatibility(state));
  provider.use(backchannelAuthorizeEndpoint(state, issuer));
  provider.use(backchannelPages(state));
  provider.use(passwordlessApi(state, issuer));
  provider.use(interactions(state));
  provider.use(upstreamApi(state.accounts));
  provider.use(myAccountApi(state, issuer));
  provider.use(mfaApi(state, issuer));
  provider.use(passkeyApi(state, issuer));
  provider.use(adminApi(state));
  provider.use(invitationsApi(state));
  return provider;
}
