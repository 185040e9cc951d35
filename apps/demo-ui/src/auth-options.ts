import { CookieTransactionStore, MY_ACCOUNT_SCOPES } from '@gatehouse/core';
import type { WebAuthOptions } from '@gatehouse/core/web';
import { type DemoConfig, tenantOrigin } from './config.js';

/**
 * The Gatehouse options of a demo app (for Express's `auth()` and Fastify's `gatehouse` alike):
 * a login that asks for the first API's token and refresh token, the scopes to ask for on each API
 * and on the My Account API (connected accounts), and cookies named after the app.
 */
export function authOptions(config: DemoConfig): WebAuthOptions {
  const [loginApi] = config.apis;
  const secure = new URL(config.appBaseUrl).protocol === 'https:';
  const domains = [config.domain, ...Object.values(config.domainByAppHost)];
  return {
    domain: domainOption(config),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    secret: config.secret,
    appBaseUrl: config.appBaseUrls.length > 1 ? config.appBaseUrls : config.appBaseUrl,
    // Route errors (a refused consent, an expired login) reach the app's own friendly page.
    errors: 'next',
    // DPoP-bound tokens (RFC 9449): a token copied out of a session or a log is useless without
    // the app's key. `req.auth.fetch` presents them to the demo API with a proof per call.
    ...(config.dpopPrivateKey ? { dpop: { privateKey: config.dpopPrivateKey } } : {}),
    apiOrigins: Object.fromEntries(
      config.apis.map((api) => [api.audience, new URL(config.apiBaseUrl).origin]),
    ),
    // The app's own data in the session: the user's role, from the app's (tiny) user table.
    beforeSessionSaved: ({ user, data }) => ({
      user,
      data: { ...data, role: DEMO_ROLES[user.sub] ?? 'member' },
    }),
    // Cookies ignore ports: both demo apps on localhost would otherwise read and overwrite each
    // other's cookies, so each app names its own.
    session: { cookieName: `${config.appId}.session` },
    transactionStore: new CookieTransactionStore({
      secrets: [config.secret],
      secure,
      cookiePrefix: `${config.appId}.tx`,
    }),
    authorizationParams: {
      ...(loginApi ? { audience: loginApi.audience } : {}),
      scope: {
        ...Object.fromEntries(
          config.apis.map((api, index) => [
            api.audience,
            // The login's API also carries the OpenID scopes and the refresh token.
            index === 0 ? `openid profile email offline_access ${api.scope}` : api.scope,
          ]),
        ),
        // The My Account API of each domain the app signs in through (`https://{domain}/me/`).
        ...Object.fromEntries(
          domains.map((domain) => [
            `${tenantOrigin(domain)}/me/`,
            Object.values(MY_ACCOUNT_SCOPES).join(' '),
          ]),
        ),
      },
    },
  };
}

/**
 * The demo's `domain`: the tenant, or, with `DOMAIN_BY_APP_HOST`, a resolver that signs each app
 * hostname in through its own custom domain (multiple custom domains).
 */
function domainOption(config: DemoConfig): WebAuthOptions['domain'] {
  const byHost = config.domainByAppHost;
  if (Object.keys(byHost).length === 0) return config.domain;
  return ({ requestUrl }) => {
    const host = requestUrl ? new URL(requestUrl).hostname : '';
    return byHost[host] ?? config.domain;
  };
}

/** The multi-factor authentication context class (`acr`) of Auth0 and the dev tenant. */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** What the admin page asks of a session: a multi-factor sign-in from the last ten minutes. */
export const ADMIN_STEP_UP = { acrValues: MFA_ACR, maxAge: 600 } as const;

/** The demo app's "database" of roles, which its session hook copies into each session. */
export const DEMO_ROLES: Readonly<Record<string, string>> = { 'auth0|alice': 'admin' };
